import type { BuildSettings } from '../engine/build-settings.js';
import { parseSecret } from '../engine/build-settings.js';
import { ModuleError } from '../errors.js';
import { parseLabel } from '../front-door/values.js';

/** The part of the Action's input source these read (inputs.ts passes its own). */
interface InputSource {
  get(name: string): string;
  getBoolean(name: string): boolean;
  mask(value: string): void;
}

/**
 * The build inputs, named as docker/build-push-action names them: `file`, `target`, `platforms`,
 * `no-cache`, `builder`, `cache-from`, `cache-to`, `secrets` (id=VALUE), `secret-files`
 * (id=PATH), `secret-envs` (id=VARIABLE), `labels` (docker/metadata-action's output as it is),
 * and `build-network` (build-push-action's `network`; ours names the module's run-time network).
 */
export function readBuildInputs(source: InputSource): BuildSettings {
  // An empty input reads as action.yml's default, as every input does.
  const settings: BuildSettings = { dockerfile: source.get('file') || 'Dockerfile' };
  const target = source.get('target');
  if (target) settings.target = target;
  const platforms = list(source.get('platforms'), /[,\r\n]/);
  if (platforms.length > 0) settings.platforms = platforms;
  if (source.get('no-cache') && source.getBoolean('no-cache')) settings.noCache = true;
  const builder = source.get('builder');
  if (builder) settings.builder = builder;
  const cacheFrom = list(source.get('cache-from'), /\r?\n/);
  if (cacheFrom.length > 0) settings.cacheFrom = cacheFrom;
  const cacheTo = list(source.get('cache-to'), /\r?\n/);
  if (cacheTo.length > 0) settings.cacheTo = cacheTo;
  const labels = readLabels(source.get('labels'));
  if (Object.keys(labels).length > 0) settings.labels = labels;
  const network = source.get('build-network');
  if (network) settings.buildNetwork = network;

  const secrets: string[] = [];
  const secretEnv: Record<string, string> = {};
  pairs(source.get('secrets'), 'secrets').forEach(([id, value], index) => {
    // The value travels in buildx's environment only: no file holds it, the log masks it.
    source.mask(value);
    const variable = `MERCURE_BUILD_SECRET_${index}`;
    secretEnv[variable] = value;
    secrets.push(`id=${id},env=${variable}`);
  });
  for (const [id, path] of pairs(source.get('secret-files'), 'secret-files')) secrets.push(`id=${id},src=${path}`);
  for (const [id, variable] of pairs(source.get('secret-envs'), 'secret-envs'))
    secrets.push(`id=${id},env=${variable}`);
  for (const spec of secrets) parseSecret(spec);
  if (secrets.length > 0) settings.secrets = secrets;
  if (Object.keys(secretEnv).length > 0) settings.secretEnv = secretEnv;
  return settings;
}

/** `labels`: one KEY=VALUE a line, as docker/metadata-action writes its `labels` output. */
export function readLabels(value: string): Record<string, string> {
  const labels: Record<string, string> = {};
  value.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const [key, label] = parseLabel(line, `input "labels" line ${index + 1}`);
    labels[key] = label;
  });
  return labels;
}

function list(value: string, separator: RegExp): string[] {
  return value
    .split(separator)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** `KEY=VALUE` lines (blank lines skipped); a value may hold `=` and is never quoted in an error. */
function pairs(value: string, input: string): [string, string][] {
  return value.split(/\r?\n/).flatMap((raw, index): [string, string][] => {
    const line = raw.trim();
    if (line === '') return [];
    const at = line.indexOf('=');
    if (at <= 0)
      throw new ModuleError('bad-input', `input "${input}": line ${index + 1} is not KEY=VALUE`, {
        hint: 'Write one secret a line, e.g. id=value.',
      });
    return [[line.slice(0, at).trim(), line.slice(at + 1)]];
  });
}
