// action.yml parsed, for the tests that hold the code and the workflows against it.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../support/images.js';

/** What the tests read of action.yml. */
export interface ActionYml {
  inputs: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description?: string }>;
  runs: { using: string; main: string };
}

export const ACTION = parse(await readFile(path.join(REPO_ROOT, 'action.yml'), 'utf8')) as ActionYml;
