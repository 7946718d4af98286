import { afterEach, describe, expect, it, vi } from 'vitest';
import { annotateFindings, annotationPlace } from '../../src/action/annotations.js';
import { escapeHtml, timeOfDay } from '../../src/action/summary.js';
import { finding } from '../../src/contract/finding.js';
import { EXAMPLE_MODULE, REPO_ROOT } from '../support/images.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('findings as annotations', () => {
  it('points a repository finding at its file (relative to the workspace) and line', () => {
    const f = finding('hardcoded-path', 'uses /tmp/data', { file: 'docker-entrypoint.sh', line: 3 });
    expect(annotationPlace(f, EXAMPLE_MODULE, REPO_ROOT)).toEqual({
      file: 'examples/blur/docker-entrypoint.sh',
      startLine: 3,
    });
  });

  it('gives a smoke-run finding, which names an image or out/, no file', () => {
    expect(
      annotationPlace(finding('exit-nonzero', 'exit 1', { file: 'acme/blur:1.2.3' }), EXAMPLE_MODULE, REPO_ROOT),
    ).toEqual({});
    expect(annotationPlace(finding('output-empty', 'nothing', { file: 'out/' }), EXAMPLE_MODULE, REPO_ROOT)).toEqual(
      {},
    );
  });

  it('writes ::error and ::warning commands with the code, title, file and line', () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    annotateFindings(
      [
        finding('user-root', 'USER root in the final stage', { file: 'Dockerfile', line: 7 }),
        finding('base-unpinned', 'FROM python', { file: 'Dockerfile', line: 4 }),
      ],
      EXAMPLE_MODULE,
      REPO_ROOT,
    );
    expect(written[0]).toMatch(
      /^::error title=The image runs as root \(user-root\),file=examples\/blur\/Dockerfile,line=7::user-root: USER root in the final stage%0A→ /,
    );
    expect(written[1]).toMatch(
      /^::warning title=Base image is not pinned \(base-unpinned\),file=examples\/blur\/Dockerfile,line=4::base-unpinned: FROM python/,
    );
  });
});

describe('summary text', () => {
  it('escapes markup from module logs and messages', () => {
    expect(escapeHtml('<script>"a" & b</script>')).toBe('&lt;script&gt;&quot;a&quot; &amp; b&lt;/script&gt;');
  });
  it('cuts engine timestamps to the time of day, as the CLI does', () => {
    expect(timeOfDay('2026-11-26T09:33:40.278114183Z processed 25 files')).toBe('09:33:40.278 processed 25 files');
    expect(timeOfDay('no timestamp')).toBe('no timestamp');
  });
});
