import { mkdtemp, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareSnapshots, resultJsonProblem, snapshotFolder } from '../../src/contract/output.js';

describe('resultJsonProblem', () => {
  it.each([
    ['{"ok": true}', undefined],
    ['{}', undefined],
    ['[1, 2]', 'is a JSON array; mercure expects an object'],
    ['"done"', 'is a JSON string, not an object'],
    ['null', 'is a JSON null, not an object'],
    ['42', 'is a JSON number, not an object'],
  ])('%s', (text, problem) => {
    expect(resultJsonProblem(text)).toBe(problem);
  });

  it('names a syntax error', () => {
    expect(resultJsonProblem('{"a": ')).toMatch(/^is not valid JSON: /);
  });
});

describe('input snapshots', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mmk-snapshot-test-'));
    await writeFile(path.join(dir, 'a.dcm'), 'aaaa');
    await writeFile(path.join(dir, 'b.dcm'), 'bbbb');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('sees no change when nothing changed', async () => {
    expect(compareSnapshots(await snapshotFolder(dir), await snapshotFolder(dir))).toEqual([]);
  });

  it('sees a same-size rewrite, a deletion and an addition', async () => {
    const before = await snapshotFolder(dir);
    await writeFile(path.join(dir, 'a.dcm'), 'AAAA');
    // A same-size rewrite is told by its time stamp: set one the first write cannot have had, instead of waiting.
    await utimes(path.join(dir, 'a.dcm'), new Date('2001-02-03T04:05:06Z'), new Date('2001-02-03T04:05:06Z'));
    await unlink(path.join(dir, 'b.dcm'));
    await writeFile(path.join(dir, 'c.dcm'), 'cc');
    const [found, ...rest] = compareSnapshots(before, await snapshotFolder(dir));
    expect(rest).toEqual([]);
    expect(found?.code).toBe('input-modified');
    expect(found?.message).toBe('the module changed $MERCURE_IN_DIR: changed a.dcm, deleted b.dcm, added c.dcm');
  });
});
