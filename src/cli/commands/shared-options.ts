import { MAX_README_BYTES, readRegularText } from '../../regular-file.js';
import type { Command } from 'commander';
import type { RepositoryOptions } from '../../pipeline/access/repository.js';
import type { TagPlanOptions } from '../../release/index.js';
import { ModuleError } from '../../errors.js';
import { collectList, parseLevel, parseSeconds, parseSettings } from '../options.js';

/** The login flags. */
export interface LoginFlags {
  username?: string;
  passwordStdin?: boolean;
  registryUrl?: string;
}

/** The repository flags of publish and release. */
export interface RepositoryFlags {
  visibility?: 'private' | 'public';
  changeVisibility?: boolean;
  description?: string;
  readme?: string;
}

/** The tag-plan options of publish, release and promote. */
export interface TagFlags {
  extraTag: string[];
  channel?: string;
  majorZero?: boolean;
  latest: boolean;
  shaTag?: string;
  tagPrefix?: string;
  tagSuffix?: string;
}

/** TagPlanOptions from the tag flags. */
export function tagOptions(opts: TagFlags): TagPlanOptions {
  return {
    extraTags: opts.extraTag,
    latest: opts.latest,
    ...(opts.channel ? { channel: opts.channel } : {}),
    ...(opts.majorZero ? { majorZero: true } : {}),
    ...(opts.shaTag ? { shaTag: opts.shaTag } : {}),
    ...(opts.tagPrefix ? { prefix: opts.tagPrefix } : {}),
    ...(opts.tagSuffix ? { suffix: opts.tagSuffix } : {}),
  };
}

/** Adds the tag-plan flags. */
export function addTagOptions(command: Command): Command {
  return command
    .option('--extra-tag <tag>', 'also set this tag, forward only like latest (repeatable)', collectList, [])
    .option('--channel <name>', 'a channel tag for every version incl. prereleases, e.g. next')
    .option('--major-zero', 'also move the tag 0 for 0.y.z versions')
    .option('--no-latest', 'never move latest')
    .option('--sha-tag <commit>', 'also set sha-<first 7 digits>')
    .option('--tag-prefix <prefix>', 'variant prefix on every tag')
    .option('--tag-suffix <suffix>', 'variant suffix on every tag, e.g. -gpu');
}

/** Adds the login flags (the password only ever through stdin or the environment). */
export function addLoginOptions(command: Command): Command {
  return command
    .option('--username <user>', 'registry user (default: $MERCURE_REGISTRY_USERNAME)')
    .option('--password-stdin', 'read the password or access token from stdin (default: $MERCURE_REGISTRY_PASSWORD)')
    .option('--registry-url <url>', 'registry API base URL, when not derived from the image name');
}

/** Adds the repository flags (Docker Hub visibility and texts, set before the first push). */
export function addRepositoryOptions(command: Command): Command {
  return command
    .option(
      '--visibility <visibility>',
      'private or public: on Docker Hub the repository is created so before the first push',
      parseVisibility,
    )
    .option('--change-visibility', "change an existing repository's visibility instead of refusing")
    .option('--description <text>', 'Docker Hub short description (100 bytes)')
    .option('--readme <file>', 'Docker Hub full description from a Markdown file (25,000 bytes)');
}

/** RepositoryOptions from the repository flags (the README read from its file). */
export async function repositoryOptions(opts: RepositoryFlags): Promise<RepositoryOptions> {
  let readme: string | undefined;
  if (opts.readme) {
    readme = await readRegularText(opts.readme, MAX_README_BYTES).catch((error: unknown) => {
      throw new ModuleError('bad-readme', `--readme file cannot be read: ${(error as Error).message}`);
    });
  }
  return {
    ...(opts.visibility ? { visibility: opts.visibility } : {}),
    ...(opts.changeVisibility ? { changeVisibility: true } : {}),
    ...(opts.description !== undefined ? { description: opts.description } : {}),
    ...(readme !== undefined ? { readme } : {}),
    ...(process.env['MERCURE_HUB_API_URL'] ? { hubUrl: process.env['MERCURE_HUB_API_URL'] } : {}),
  };
}

function parseVisibility(value: string): 'private' | 'public' {
  if (value !== 'private' && value !== 'public')
    throw new ModuleError('bad-visibility', `--visibility must be "private" or "public", got "${value}"`);
  return value;
}

/** The smoke-run flags of validate, release and promote. */
export interface SmokeFlags {
  timeout?: number;
  fixtures?: string;
  settings?: Record<string, unknown>;
  level: 'series' | 'study';
  requiresRoot?: boolean;
  network?: boolean;
  moduleConfig?: string;
  runtime?: string;
  gpus?: string;
  forbidUnsafeDockerArgs?: boolean;
  persistenceFolder?: string;
  targets?: string[];
  report?: string;
}

/** `--targets a,b`: the server's target names. */
function parseTargets(value: string): string[] {
  const names = value
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  if (names.length === 0) throw new ModuleError('bad-option', `--targets needs target names, e.g. pacs,archive`);
  return names;
}

/** Adds the smoke-run flags: how mercure would configure the module, and what it gets as input. */
export function addSmokeOptions(command: Command): Command {
  return command
    .option('--timeout <seconds>', 'kill the module after this many seconds (default 600)', parseSeconds)
    .option(
      '--fixtures <dir>',
      'input: a mercure case folder, or a folder of DICOM files (default: a synthetic CT series)',
    )
    .option('--settings <json>', "the module's settings as JSON, or @file.json", parseSettings)
    .option('--level <level>', 'series or study (a study-level rule gets several series)', parseLevel, 'series')
    .option('--requires-root', 'run as the image user, as mercure does for requires_root modules')
    .option('--network', 'give the module a network, as mercure does for network_enabled modules')
    .option(
      '--module-config <file>',
      "the module's entry of mercure.json (docker_arguments, environment, volumes, persistence, ...), applied as mercure does",
    )
    .option('--runtime <name>', "the server's processing_runtime, e.g. nvidia (docker run --runtime)")
    .option('--gpus <request>', 'ask for GPUs as docker run --gpus does: all, a count, or device=0')
    .option(
      '--forbid-unsafe-docker-args',
      'strip docker_arguments outside the allow-list, as a server with MERCURE_FORBID_UNSAFE_DOCKER_ARGS does',
    )
    .option(
      '--persistence-folder <dir>',
      "mercure's persistence_folder, for requires_persistence modules (default: a temp folder)",
    )
    .option(
      '--targets <names>',
      "the server's target names, comma-separated, to check dynamic-routing targets",
      parseTargets,
    )
    .option(
      '--report <file.html>',
      'write one self-contained HTML page: verdict, findings, container, log, output slices beside input slices',
    );
}

/** The smoke-run options of the library from the smoke-run flags. */
export function smokeOptions(opts: SmokeFlags) {
  return {
    level: opts.level,
    // Left out when not given, so that --module-config's requires_root / network_enabled decide.
    ...(opts.requiresRoot ? { requiresRoot: true } : {}),
    ...(opts.network ? { network: true } : {}),
    ...(opts.moduleConfig !== undefined ? { moduleConfig: opts.moduleConfig } : {}),
    ...(opts.runtime !== undefined ? { runtime: opts.runtime } : {}),
    ...(opts.gpus !== undefined ? { gpus: opts.gpus } : {}),
    ...(opts.forbidUnsafeDockerArgs ? { forbidUnsafeDockerArgs: true } : {}),
    ...(opts.persistenceFolder !== undefined ? { persistenceFolder: opts.persistenceFolder } : {}),
    ...(opts.targets ? { targets: opts.targets } : {}),
    ...(opts.timeout !== undefined ? { timeoutSeconds: opts.timeout } : {}),
    ...(opts.fixtures ? { fixtures: opts.fixtures } : {}),
    ...(opts.settings ? { settings: opts.settings } : {}),
    ...(opts.report !== undefined ? { previews: true } : {}),
  };
}
