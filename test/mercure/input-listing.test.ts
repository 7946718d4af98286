import { copyFile, mkdir, mkdtemp, readdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeInputFolder } from '../../src/mercure/input-folder.js';
import { readInputFolder } from '../../src/mercure/input-listing.js';
import { createSyntheticSeries } from '../../src/mercure/synthetic.js';

const NOW = new Date('2025-06-07T08:09:10Z');
let root: string;
let good: string;
const ct = createSyntheticSeries({ modality: 'CT', now: NOW, slices: 3, rows: 8, seed: 'listing' });

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mmk-listing-test-'));
  good = path.join(root, 'good');
  await writeInputFolder({ dir: good, level: 'series', series: [ct], moduleName: 'm', dockerTag: 'm:1', now: NOW });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A copy of the good case folder, changed by `damage`. */
async function damaged(name: string, damage: (dir: string, dcm: string[]) => Promise<void>): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir);
  for (const f of await readdir(good)) await copyFile(path.join(good, f), path.join(dir, f));
  await damage(dir, (await readdir(dir)).filter((f) => f.endsWith('.dcm')).sort());
  return dir;
}

describe('readInputFolder finds what mercure or a module would trip over', () => {
  it.each<[string, (dir: string, dcm: string[]) => Promise<void>, { file: RegExp | string; message: RegExp }]>([
    [
      'lst01 a DICOM file in a subfolder',
      async (dir, dcm) => {
        await mkdir(path.join(dir, 'series'));
        await rename(path.join(dir, dcm[0] ?? ''), path.join(dir, 'series', 'x.dcm'));
        await unlink(path.join(dir, (dcm[0] ?? '').replace(/\.dcm$/, '.tags')));
      },
      { file: 'series/', message: /is a folder/ },
    ],
    [
      'lst02 a file not named after its series',
      async (dir, dcm) => {
        await rename(path.join(dir, dcm[0] ?? ''), path.join(dir, 'slice1.dcm'));
        await rename(path.join(dir, (dcm[0] ?? '').replace(/\.dcm$/, '.tags')), path.join(dir, 'slice1.tags'));
      },
      { file: 'slice1.dcm', message: /should start with its SeriesInstanceUID/ },
    ],
    [
      'lst03 a missing sidecar',
      async (dir, dcm) => {
        await unlink(path.join(dir, (dcm[1] ?? '').replace(/\.dcm$/, '.tags')));
      },
      { file: /\.dcm$/, message: /has no sidecar .*\.tags/ },
    ],
    [
      'lst04 a broken sidecar',
      async (dir, dcm) => {
        await writeFile(path.join(dir, (dcm[2] ?? '').replace(/\.dcm$/, '.tags')), '{"Modality": 5}');
      },
      { file: /\.tags$/, message: /"Modality" is a number/ },
    ],
    [
      'lst05 no task.json',
      async (dir) => {
        await unlink(path.join(dir, 'task.json'));
      },
      { file: 'task.json', message: /is missing/ },
    ],
    [
      'lst06 task.json not JSON',
      async (dir) => {
        await writeFile(path.join(dir, 'task.json'), '{"info": ');
      },
      { file: 'task.json', message: /is not valid JSON/ },
    ],
    [
      'lst07 task.json an array',
      async (dir) => {
        await writeFile(path.join(dir, 'task.json'), '[]');
      },
      { file: 'task.json', message: /is not a JSON object/ },
    ],
    [
      'lst08 a .dcm that is not DICOM',
      async (dir) => {
        await writeFile(path.join(dir, 'notes.dcm'), 'hello');
      },
      { file: 'notes.dcm', message: /is not readable DICOM: not a DICOM Part 10 file/ },
    ],
  ])('%s', async (name, damage, expected) => {
    const listing = await readInputFolder(await damaged(name.slice(0, 5), damage));
    expect(listing.problems).toHaveLength(1);
    const [problem] = listing.problems;
    if (typeof expected.file === 'string') expect(problem?.file).toBe(expected.file);
    else expect(problem?.file).toMatch(expected.file);
    expect(problem?.message).toMatch(expected.message);
  });

  it('reports an empty folder', async () => {
    const dir = path.join(root, 'empty');
    await mkdir(dir);
    const listing = await readInputFolder(dir, { task: false });
    expect(listing.problems).toEqual([{ file: '.', message: 'holds no readable .dcm files' }]);
  });
});

describe('readInputFolder on a module output', () => {
  it('accepts flat, correctly named DICOM files without sidecars or task.json, and lists the rest', async () => {
    const dir = await damaged('output', async (d) => {
      for (const f of await readdir(d)) if (!f.endsWith('.dcm')) await unlink(path.join(d, f));
      await writeFile(path.join(d, 'result.json'), '{"ok": true}');
    });
    const listing = await readInputFolder(dir, { sidecars: false, task: false });
    expect(listing.problems).toEqual([]);
    expect(listing.files.map((f) => f.sopInstanceUid)).toEqual([0, 1, 2].map((i) => ct.sopInstanceUid(i)));
    expect(listing.files.every((f) => f.tags === undefined)).toBe(true);
    expect(listing.other).toEqual(['result.json']);
    expect(listing.task).toBeUndefined();
  });
});
