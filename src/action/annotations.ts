import { existsSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { FINDING_CATALOGUE } from '../contract/codes.js';
import type { Finding } from '../contract/finding.js';

/** Where an annotation points: a file relative to the workspace and a line, when the finding has them. */
export interface AnnotationPlace {
  file?: string;
  startLine?: number;
}

/**
 * The file and line a finding is about, relative to the workspace (what GitHub shows it on).
 * Smoke-run findings name the image instead of a file: those get no place.
 */
export function annotationPlace(f: Finding, moduleDir: string, workspace: string): AnnotationPlace {
  if (!f.file) return {};
  const absolute = path.resolve(moduleDir, f.file);
  if (!existsSync(absolute)) return {};
  const place: AnnotationPlace = { file: path.relative(workspace, absolute).split(path.sep).join('/') };
  if (f.line !== undefined) place.startLine = f.line;
  return place;
}

/** Each finding as an error or warning annotation with its code, message, hint, file and line. */
export function annotateFindings(
  findings: readonly Finding[],
  moduleDir: string,
  workspace = process.env['GITHUB_WORKSPACE'] || process.cwd(),
): void {
  for (const f of findings) {
    const message = `${f.code}: ${f.message}\n→ ${f.hint}`;
    const properties = {
      title: `${FINDING_CATALOGUE[f.code].title} (${f.code})`,
      ...annotationPlace(f, moduleDir, workspace),
    };
    if (f.severity === 'error') core.error(message, properties);
    else core.warning(message, properties);
  }
}
