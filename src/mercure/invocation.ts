/**
 * The container options mercure 0.4.1 uses to start a processing module (app/process/
 * process_series.py), as pure data: module settings in, Engine create options out.
 */

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
  environment?: Record<string, string>;
  /** A folder on the host bind-mounted at /tmp/persistence (requires_persistence). */
  persistenceDir?: string;
}

/** The uid:gid mercure's service account runs modules as. */
export interface ServiceAccount {
  uid: number;
  gid: number;
}

export interface Invocation {
  entrypoint?: string[];
  cmd?: string[];
  env: string[];
  user?: string;
  groupAdd: string[];
  binds: string[];
  networkMode?: string;
  capDrop: string[];
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

/**
 * The run of a module on a case: in/ and out/ mounted read-write, mercure's environment, the
 * service account's uid:gid (unless the module requires root), no network and no capabilities
 * (0.4.1 defaults for modules saved in the UI), and no command override. A MONAI application
 * package (detected by the probe) runs its manifest's command as root instead.
 */
export function moduleInvocation(
  host: { inDir: string; outDir: string },
  settings: ModuleRunSettings,
  account: ServiceAccount,
  monaiCommand?: string[],
): Invocation {
  const env = { ...(settings.environment ?? {}), ...mercureEnvironment() };
  const binds = [`${host.inDir}:${CONTAINER_IN_DIR}`, `${host.outDir}:${CONTAINER_OUT_DIR}`];
  if (settings.persistenceDir) {
    binds.push(`${settings.persistenceDir}:${CONTAINER_PERSISTENCE_DIR}`);
    env['MODULE_PERSISTENCE_DIR'] = CONTAINER_PERSISTENCE_DIR;
  }
  const asRoot = settings.requiresRoot === true || monaiCommand !== undefined;
  const invocation: Invocation = {
    env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
    groupAdd: asRoot ? [] : [String(account.gid)],
    binds,
    capDrop: ['ALL'],
  };
  if (!asRoot) invocation.user = `${account.uid}:${account.gid}`;
  if (!settings.networkEnabled) invocation.networkMode = 'none';
  if (monaiCommand) {
    invocation.entrypoint = [''];
    invocation.cmd = monaiCommand;
  }
  return invocation;
}

/** The startup probe: `cat /etc/monai/app.json` with the entrypoint reset, as docker-py's entrypoint="". */
export function probeInvocation(): Invocation {
  return {
    entrypoint: [''],
    cmd: MONAI_PROBE_COMMAND,
    env: [],
    groupAdd: [],
    binds: [],
    networkMode: 'none',
    capDrop: [],
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
