/**
 * The module's declared scope: what input it accepts, so that the matrix reports the variants
 * outside it as skipped (with the reason) instead of as failures. It lives in the module
 * repository as `mercure-module.json`:
 *
 *   {
 *     "accepts": {
 *       "modalities": ["CT"],                  // Modality values; default: any
 *       "transferSyntaxes": "uncompressed",    // "any" (default), "uncompressed", or a list of UIDs
 *       "multiframe": false,                   // files with several frames; default true
 *       "color": false,                        // RGB/YBR (SamplesPerPixel > 1); default true
 *       "nonImage": false                      // SR, RT and other non-image objects; default true
 *     }
 *   }
 *
 * A variant is in scope only when every file in it is: a study that mixes MR into a CT-only
 * module's input is out of scope, because that is a case the author said the module will not get.
 */
import { readRegularText, type FileReadError } from '../../regular-file.js';

/** A scope file is a few lines of JSON. */
const MAX_SCOPE_BYTES = 1024 * 1024;
import path from 'node:path';
import { ModuleError } from '../../errors.js';
import { UNCOMPRESSED_TRANSFER_SYNTAXES, type FolderTraits } from '../../mercure/variants/traits.js';

/** The file name of the scope manifest in a module repository. */
export const SCOPE_FILE = 'mercure-module.json';

/** What a module accepts; every field left out means "anything". */
export interface ModuleScope {
  modalities?: string[];
  transferSyntaxes?: 'any' | 'uncompressed' | string[];
  multiframe?: boolean;
  color?: boolean;
  nonImage?: boolean;
}

const FIELDS = ['modalities', 'transferSyntaxes', 'multiframe', 'color', 'nonImage'] as const;

/**
 * Reads the scope from `file`, or from DIR/mercure-module.json when only a module folder is given;
 * undefined when neither exists (the module accepts everything).
 */
export async function loadModuleScope(options: { file?: string; dir?: string }): Promise<ModuleScope | undefined> {
  const file = options.file ?? (options.dir !== undefined ? path.join(options.dir, SCOPE_FILE) : undefined);
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = await readRegularText(file, MAX_SCOPE_BYTES);
  } catch (error) {
    if (options.file === undefined && (error as FileReadError).reason === 'missing') return undefined;
    throw new ModuleError('no-such-file', `--scope file cannot be read: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ModuleError('bad-scope', `${file} is not valid JSON: ${(error as Error).message}`);
  }
  return parseModuleScope(parsed, file);
}

/** Checks a parsed manifest and returns its scope; a ModuleError names the first bad field. */
export function parseModuleScope(value: unknown, where = SCOPE_FILE): ModuleScope {
  const bad = (message: string) =>
    new ModuleError('bad-scope', `${where}: ${message}`, {
      hint: 'Write {"accepts": {"modalities": ["CT"], "transferSyntaxes": "uncompressed", "multiframe": false, "color": false, "nonImage": false}}, leaving out what the module accepts in any form.',
    });
  if (!isObject(value) || !isObject(value['accepts'])) throw bad('expected an object with an "accepts" object');
  const accepts = value['accepts'];
  const scope: ModuleScope = {};
  for (const [key, field] of Object.entries(accepts)) {
    if (!(FIELDS as readonly string[]).includes(key))
      throw bad(`unknown field "accepts.${key}" (known: ${FIELDS.join(', ')})`);
    if (key === 'modalities') {
      if (!isStringList(field)) throw bad('"accepts.modalities" must be a list of Modality values, e.g. ["CT", "MR"]');
      scope.modalities = field.map((m) => m.toUpperCase());
    } else if (key === 'transferSyntaxes') {
      if (field !== 'any' && field !== 'uncompressed' && !isStringList(field))
        throw bad('"accepts.transferSyntaxes" must be "any", "uncompressed" or a list of transfer syntax UIDs');
      scope.transferSyntaxes = field;
    } else if (typeof field !== 'boolean') {
      throw bad(`"accepts.${key}" must be true or false, got ${JSON.stringify(field)}`);
    } else {
      scope[key as 'multiframe' | 'color' | 'nonImage'] = field;
    }
  }
  return scope;
}

/** Why a folder with these traits is outside the scope, or undefined when the module accepts it. */
export function outOfScope(scope: ModuleScope | undefined, traits: FolderTraits): string | undefined {
  if (scope === undefined) return undefined;
  const reasons: string[] = [];
  if (scope.modalities) {
    const other = traits.modalities.filter((m) => !scope.modalities?.includes(m.toUpperCase()));
    if (other.length > 0)
      reasons.push(`modality ${other.map((m) => m || '(none)').join(', ')} (accepts ${scope.modalities.join(', ')})`);
  }
  const syntaxes = scope.transferSyntaxes;
  if (syntaxes !== undefined && syntaxes !== 'any') {
    const allowed = syntaxes === 'uncompressed' ? UNCOMPRESSED_TRANSFER_SYNTAXES : syntaxes;
    const other = traits.transferSyntaxes.filter((ts) => !allowed.includes(ts));
    if (other.length > 0)
      reasons.push(
        `transfer syntax ${other.join(', ')} (accepts ${syntaxes === 'uncompressed' ? 'uncompressed' : syntaxes.join(', ')})`,
      );
  }
  if (scope.multiframe === false && traits.multiframe) reasons.push('multi-frame files');
  if (scope.color === false && traits.color) reasons.push('colour images');
  if (scope.nonImage === false && traits.nonImage) reasons.push('non-image objects');
  return reasons.length > 0 ? `out of the declared scope: ${reasons.join('; ')}` : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string' && v.length > 0);
}
