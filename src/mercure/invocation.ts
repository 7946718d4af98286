/**
 * The container mercure 0.4.1 starts for a processing module (app/process/process_series.py
 * `docker_runtime`), as pure data: the module's configuration in, the Engine's create-container
 * body out, as docker-py's `containers.run(...)` sends it (without the fields docker-py sends as
 * null, which the Engine ignores).
 */
import type { CreateBody, EngineMount } from './create-body.js';
import type { MappedArguments } from './docker-arguments.js';

export type { CreateBody, EngineMount } from './create-body.js';

/** Where mercure mounts the case folders inside the container. */
export const CONTAINER_IN_DIR = '/tmp/data';
export const CONTAINER_OUT_DIR = '/tmp/output';
export const CONTAINER_PERSISTENCE_DIR = '/tmp/persistence';

/** The probe mercure runs first to detect MONAI application packages. */
export const MONAI_PROBE_COMMAND = ['cat', '/etc/monai/app.json'];

/** The module settings of mercure's `Module` model that change how it is started. */
export interface ModuleRunSettings {
  requiresRoot?: boolean;
  networkEnabled?: boolean;
  /** The module's own `environment` setting; mercure's keys override these. */
  environment?: Record<string, string | null>;
  /** A folder on the host bind-mounted at /tmp/persistence (requires_persistence). */
  persistenceDir?: string;
  /** The module's `docker_arguments`, already mapped to the Engine API (see docker-arguments.ts). */
  arguments?: MappedArguments;
  /** `additional_volumes` in docker-py's `volumes` form: host path -> {bind, mode}. */
  volumes?: Record<string, { bind: string; mode: string }>;
  /** The server's `processing_runtime` (e.g. nvidia), passed as docker-py's runtime=. */
  runtime?: string;
}

/** The uid:gid mercure's service account runs modules as. */
export interface ServiceAccount {
  uid: number;
  gid: number;
}

/** mercure's six path variables; they override anything the module's settings define. */
export function mercureEnvironment(): Record<string, string> {
  return {
    MERCURE_IN_DIR: CONTAINER_IN_DIR,
    MERCURE_OUT_DIR: CONTAINER_OUT_DIR,
    MONAI_INPUTPATH: CONTAINER_IN_DIR,
    MONAI_OUTPUTPATH: CONTAINER_OUT_DIR,
    HOLOSCAN_INPUT_PATH: CONTAINER_IN_DIR,
    HOLOSCAN_OUTPUT_PATH: CONTAINER_OUT_DIR,
  };
}

/** docker-py's `Mount(source, target, type="bind")`, as it serialises it. */
export function bindMount(source: string, target: string): EngineMount {
  return { Target: target, Source: source, Type: 'bind', ReadOnly: false };
}

/**
 * The run of a module on a case, as `containers.run(docker_tag, mounts=..., volumes=...,
 * environment=..., network_mode=..., **runtime, **set_command, **docker_arguments, **user_info,
 * detach=True)` sends it: in/ and out/ as bind Mounts, mercure's environment over the module's,
 * the service account's uid:gid (unless the module requires root), network "none" unless
 * enabled, and cap_drop ALL unless the module's arguments set cap_drop. A MONAI application
 * package (detected by the probe) runs its manifest's command as root instead.
 */
export function moduleInvocation(
  host: { inDir: string; outDir: string },
  settings: ModuleRunSettings,
  account: ServiceAccount,
  monaiCommand?: string[],
): CreateBody {
  // Python's {**module, **mercure}: a module key mercure also sets keeps its place, takes mercure's value.
  const env: Record<string, string | null> = { ...(settings.environment ?? {}), ...mercureEnvironment() };
  const mounts = [bindMount(host.inDir, CONTAINER_IN_DIR), bindMount(host.outDir, CONTAINER_OUT_DIR)];
  if (settings.persistenceDir !== undefined) {
    mounts.push(bindMount(settings.persistenceDir, CONTAINER_PERSISTENCE_DIR));
    env['MODULE_PERSISTENCE_DIR'] = CONTAINER_PERSISTENCE_DIR;
  }
  const asRoot = settings.requiresRoot === true || monaiCommand !== undefined;
  const mapped = settings.arguments ?? { config: {}, hostConfig: {}, keys: [] };
  const hostConfig: NonNullable<CreateBody['HostConfig']> = {
    NetworkMode: settings.networkEnabled ? 'default' : 'none',
    ...(settings.runtime ? { Runtime: settings.runtime } : {}),
    ...mapped.hostConfig,
    Mounts: mounts,
  };
  // mercure adds cap_drop=["ALL"] only when docker_arguments has no cap_drop (an empty list then drops nothing).
  if (!mapped.keys.includes('cap_drop')) hostConfig.CapDrop = ['ALL'];
  if (!asRoot) hostConfig.GroupAdd = [String(account.gid)];
  const volumes = Object.entries(settings.volumes ?? {});
  if (volumes.length > 0) hostConfig.Binds = volumes.map(([source, v]) => `${source}:${v.bind}:${v.mode}`);
  const body: CreateBody = {
    ...mapped.config,
    Env: Object.entries(env).map(([key, value]) => (value === null ? key : `${key}=${value}`)),
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    NetworkDisabled: false,
    HostConfig: hostConfig,
  };
  if (volumes.length > 0) body.Volumes = Object.fromEntries(volumes.map(([, v]) => [v.bind, {}]));
  if (!asRoot) body.User = `${account.uid}:${account.gid}`;
  if (monaiCommand) {
    // docker-py turns entrypoint="" into [] (shlex.split): the image's ENTRYPOINT is dropped.
    body.Entrypoint = [];
    body.Cmd = monaiCommand;
  }
  return body;
}

/**
 * The startup probe, `containers.run(docker_tag, command="cat /etc/monai/app.json",
 * entrypoint="", remove=True)`: the image's own user and working directory, no mounts. mercure
 * gives it the default network; here it gets none (tests and CI machines have no bridge).
 */
export function probeInvocation(): CreateBody {
  return {
    Entrypoint: [],
    Cmd: MONAI_PROBE_COMMAND,
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    NetworkDisabled: false,
    HostConfig: { NetworkMode: 'none' },
  };
}

/** mercure's permissions on the case folders before the run. */
export const CASE_MODES = { inDir: 0o777, inFile: 0o666, outDir: 0o777 } as const;

/**
 * The account to run as: the caller's own uid:gid when not root (as mercure runs modules as its
 * own service account), else a fixed uid no image knows, so that modules relying on a user of
 * their own fail here as they would on a server.
 */
export function serviceAccount(current: { uid: number; gid: number }): ServiceAccount {
  return current.uid === 0 ? { uid: 38117, gid: 38117 } : current;
}
