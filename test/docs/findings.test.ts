import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINDING_CATALOGUE, FINDING_CODES } from '../../src/contract/codes.js';
import { REPO_ROOT } from '../support/images.js';

const FINDINGS_DOC = path.join(REPO_ROOT, 'docs/findings.md');

/** Each `### \`code\`` section of docs/findings.md: its code and its first line (severity · stage · title). */
async function documentedCodes(): Promise<Map<string, { summary: string; body: string }>> {
  const text = await readFile(FINDINGS_DOC, 'utf8');
  const sections = new Map<string, { summary: string; body: string }>();
  const parts = text.split(/^### /m).slice(1);
  for (const part of parts) {
    const [heading = '', summary = '', ...rest] = part.split('\n');
    const code = /^`([^`]+)`\s*$/.exec(heading)?.[1];
    if (code === undefined) throw new Error(`docs/findings.md: "### ${heading}" is not a finding code heading`);
    if (sections.has(code)) throw new Error(`docs/findings.md documents ${code} twice`);
    sections.set(code, { summary, body: rest.join('\n') });
  }
  return sections;
}

describe('docs/findings.md', () => {
  it('documents every finding code of the catalogue, and no other', async () => {
    const documented = [...(await documentedCodes()).keys()];
    expect(
      documented.filter((code) => !FINDING_CODES.includes(code as never)),
      'documented but not in src/contract/codes.ts',
    ).toEqual([]);
    expect(
      FINDING_CODES.filter((code) => !documented.includes(code)),
      'in src/contract/codes.ts but not documented',
    ).toEqual([]);
  });

  it("states each code's severity, stage and title as the catalogue has them", async () => {
    const documented = await documentedCodes();
    for (const code of FINDING_CODES) {
      const entry = FINDING_CATALOGUE[code];
      expect(documented.get(code)?.summary, code).toBe(`**${entry.severity}** · ${entry.stage} · ${entry.title}`);
    }
  });

  it('gives each code what, why mercure cares, how to fix, and an example', async () => {
    for (const [code, { body }] of await documentedCodes()) {
      for (const part of ['**What:**', '**Why mercure cares:**', '**Fix:**', '**Example:**'])
        expect(body, `${code}: ${part}`).toContain(part);
    }
  });

  it('lists the static codes before the smoke codes, in the catalogue order', async () => {
    expect([...(await documentedCodes()).keys()]).toEqual(FINDING_CODES);
  });
});

describe('README troubleshooting', () => {
  it('has a line for every finding code, linking to its entry in docs/findings.md', async () => {
    const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const troubleshooting = readme.split(/^## Troubleshooting$/m)[1]?.split(/^## /m)[0] ?? '';
    for (const code of FINDING_CODES)
      expect(troubleshooting, code).toContain(`[\`${code}\`](docs/findings.md#${code})`);
  });
});
