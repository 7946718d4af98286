import path from 'node:path';
import { finding, type Finding } from '../../contract/finding.js';
import { ModuleError } from '../../errors.js';
import { mapDockerArguments, parseGpus } from '../../mercure/docker-arguments.js';
import type { ModuleRunSettings } from '../../mercure/invocation.js';
import { parseModuleConfig, readModuleConfig, type ModuleConfig } from '../../mercure/module-config.js';
import type { Module } from '../../mercure/task.js';
import type { SmokeOptions } from '../../contract/smoke.js';
import type { Logger } from '../../logger.js';

/** How the server configured the module, as the smoke-run options of validate, release and promote take it. */
export interface ModuleRunOptions {
  /** The module's entry of mercure.json (a file, or the parsed object), applied as mercure applies it. */
  moduleConfig?: string | Record<string, unknown>;
  /** The rule's processing settings (task.json process.settings), over the module's own settings. */
  settings?: Record<string, unknown>;
  requiresRoot?: boolean;
  network?: boolean;
  /** The server's processing_runtime (docker-py runtime=), e.g. nvidia. */
  runtime?: string;
  /** A GPU request as `docker run --gpus` spells it (all, 2, device=0): a device_requests docker argument. */
  gpus?: string;
  /** Strip docker_arguments outside mercure's allow-list, as MERCURE_FORBID_UNSAFE_DOCKER_ARGS does. */
  forbidUnsafeDockerArgs?: boolean;
  /** mercure's persistence_folder: requires_persistence modules get <it>/<persistence_folder_name or name>. */
  persistenceFolder?: string;
  /** The server's target names, to check dynamic-routing targets against. */
  targets?: string[];
}

/** The names of the module-run options, for front doors that pass them on. */
export const MODULE_RUN_OPTIONS = [
  'moduleConfig',
  'settings',
  'requiresRoot',
  'network',
  'runtime',
  'gpus',
  'forbidUnsafeDockerArgs',
  'persistenceFolder',
  'targets',
] as const satisfies readonly (keyof ModuleRunOptions)[];

/** Everything the smoke run and the case need from the module's configuration. */
export interface ModuleRun {
  settings: ModuleRunSettings;
  persistence?: string | true;
  moduleName: string;
  /** task.json's module_config fields and the module's default settings. */
  module: Partial<Omit<Module, 'docker_tag' | 'settings'>>;
  moduleSettings: Record<string, unknown>;
  dockerTag?: string;
  requiresRoot: boolean;
  network: boolean;
  /** Warnings about the configuration (arguments a forbidding server strips). */
  findings: Finding[];
}

/**
 * The smoke-run options every case of a module shares (validate's one case, each case of the
 * matrix): the image, the module run as mercure configures it, the server's targets, the limits.
 */
export function smokeRunOptions(
  image: string,
  moduleRun: ModuleRun,
  options: { targets?: string[] | undefined; signal?: AbortSignal | undefined },
  timeoutSeconds: number,
  logger: Logger,
): Omit<SmokeOptions, 'name' | 'prepareInput'> {
  return {
    image,
    settings: moduleRun.settings,
    ...(moduleRun.persistence !== undefined ? { persistence: moduleRun.persistence } : {}),
    ...(options.targets ? { targets: options.targets } : {}),
    timeoutSeconds,
    logger,
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

/**
 * Applies the module's configuration as mercure's docker_runtime does, before anything runs:
 * every bad value is a ModuleError here, and the flags may not contradict the file.
 */
export async function resolveModuleRun(options: ModuleRunOptions): Promise<ModuleRun> {
  const config: ModuleConfig | undefined =
    typeof options.moduleConfig === 'string'
      ? await readModuleConfig(options.moduleConfig)
      : options.moduleConfig !== undefined
        ? parseModuleConfig(options.moduleConfig)
        : undefined;
  const where = typeof options.moduleConfig === 'string' ? options.moduleConfig : 'moduleConfig';
  const requiresRoot = agree(
    '--requires-root',
    options.requiresRoot,
    'requires_root',
    config?.module.requires_root,
    where,
  );
  const network = agree('--network', options.network, 'network_enabled', config?.module.network_enabled, where);
  const args = { ...(config?.dockerArguments ?? {}) };
  if (options.gpus !== undefined) {
    if ('device_requests' in args)
      throw new ModuleError(
        'bad-option',
        `--gpus and device_requests in ${where}'s docker_arguments both ask for GPUs`,
        {
          hint: 'Give the GPU request in one place.',
        },
      );
    args['device_requests'] = [parseGpus(options.gpus)];
  }
  if (options.runtime !== undefined && !/^[\w.-]+$/.test(options.runtime))
    throw new ModuleError('bad-option', `--runtime must be a runtime name such as nvidia, got "${options.runtime}"`);
  const mapped = mapDockerArguments(
    args,
    { user: !requiresRoot, runtime: options.runtime !== undefined },
    options.forbidUnsafeDockerArgs,
  );
  const findings = mapped.unsafe.map((key) =>
    finding(
      'docker-argument-unsafe',
      mapped.stripped.includes(key)
        ? `docker_arguments "${key}" is outside mercure's allow-list: stripped, as a server with MERCURE_FORBID_UNSAFE_DOCKER_ARGS does`
        : `docker_arguments "${key}" is outside mercure's allow-list: a server with MERCURE_FORBID_UNSAFE_DOCKER_ARGS strips it`,
      { file: where },
    ),
  );
  const moduleName = config?.name ?? 'module-under-test';
  const settings: ModuleRunSettings = {
    requiresRoot,
    networkEnabled: network,
    ...(config ? { environment: config.environment, volumes: config.volumes } : {}),
    arguments: mapped,
    ...(options.runtime !== undefined ? { runtime: options.runtime } : {}),
  };
  const run: ModuleRun = {
    settings,
    moduleName,
    module: config ? { ...config.module } : {},
    moduleSettings: config?.module.settings ?? {},
    requiresRoot,
    network,
    findings,
  };
  if (config?.module.docker_tag) run.dockerTag = config.module.docker_tag;
  if (config?.module.requires_persistence) {
    const folderName = config.module.persistence_folder_name || moduleName;
    run.persistence = options.persistenceFolder ? path.join(options.persistenceFolder, folderName) : true;
  } else if (options.persistenceFolder !== undefined) {
    throw new ModuleError('bad-option', '--persistence-folder applies to modules with requires_persistence: true', {
      hint: 'Set "requires_persistence": true in the --module-config file, or drop --persistence-folder.',
    });
  }
  return run;
}

/** A flag and the file's field must say the same; either alone decides (both absent: false). */
function agree(
  flag: string,
  given: boolean | undefined,
  field: string,
  stored: boolean | undefined,
  where: string,
): boolean {
  if (given !== undefined && stored !== undefined && given !== stored)
    throw new ModuleError(
      'bad-option',
      `${flag} ${given ? 'is given' : 'is false'}, but ${where} has "${field}": ${String(stored)}`,
      {
        hint: `mercure runs the module as its stored configuration says: drop ${flag}, or change "${field}" in the file.`,
      },
    );
  return given ?? stored ?? false;
}
