// The generated module.py run directly with the host's Python and pydicom, on cases laid out as
// mercure lays them out: what it writes, read back by pydicom.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCase } from '../../src/pipeline/validation/case.js';
import { initModule } from '../../src/scaffold/init.js';
import { pydicomPython, runPython } from '../mercure/python.js';

let root: string;
let script: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mmk-module-py-'));
  await initModule({ dir: path.join(root, 'seg'), namespace: 'acme' });
  script = path.join(root, 'seg', 'module.py');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Written {
  name: string;
  series: string;
  sop: string;
  number: number;
  description: string;
}

/** Runs module.py on a fresh case and reads every output file back with pydicom. */
async function runModule(
  level: 'series' | 'study',
  settings: Record<string, unknown>,
): Promise<{ input: string[]; output: Written[]; inputAfter: string[]; log: string }> {
  const dir = await mkdtemp(path.join(root, 'case-'));
  const inDir = path.join(dir, 'in');
  const outDir = path.join(dir, 'out');
  await mkdir(outDir);
  await prepareCase(inDir, { level, settings, dockerTag: 'acme/seg:1', slices: 3, matrix: 16 });
  const input = (await readdir(inDir)).sort();
  const log = execFileSync(pydicomPython(), [script, inDir, outDir], { encoding: 'utf8' });
  const read = `
import json, os, sys, pydicom
out = []
for name in sorted(os.listdir(sys.argv[1])):
    ds = pydicom.dcmread(os.path.join(sys.argv[1], name))
    out.append({"name": name, "series": ds.SeriesInstanceUID, "sop": ds.SOPInstanceUID,
                "number": int(ds.SeriesNumber), "description": str(ds.SeriesDescription)})
print(json.dumps(out))`;
  const output = JSON.parse(runPython(read, [outDir])) as Written[];
  return { input, output, inputAfter: (await readdir(inDir)).sort(), log };
}

describe('the generated module.py', () => {
  it('writes each input file into a new series named <new SeriesInstanceUID>#<rest>, with the default settings', async () => {
    const { input, output, inputAfter, log } = await runModule('series', {});
    const dicomIn = input.filter((n) => n.endsWith('.dcm'));
    expect(output).toHaveLength(dicomIn.length);
    const oldSeries = new Set(dicomIn.map((n) => n.split('#')[0]));
    const newSeries = new Set(output.map((o) => o.series));
    expect(newSeries.size).toBe(1);
    for (const uid of newSeries) expect(oldSeries.has(uid)).toBe(false);
    for (const o of output) {
      expect(o.name).toBe(`${o.series}#${o.name.split('#')[1]}`);
      expect(dicomIn.map((n) => n.split('#')[1])).toContain(o.name.split('#')[1]);
      expect(o.description.startsWith('seg ')).toBe(true);
      expect(o.number).toBeGreaterThanOrEqual(1000);
    }
    expect(new Set(output.map((o) => o.sop)).size).toBe(output.length);
    expect(inputAfter).toEqual(input);
    expect(log).toContain(`seg: wrote ${output.length} file(s) in 1 new series`);
  });

  it('reads its settings from task.json process.settings and makes one new series per input series', async () => {
    const { output } = await runModule('study', { series_number_offset: 500, series_description_prefix: 'TEST' });
    expect(new Set(output.map((o) => o.series)).size).toBe(2);
    const numbers = new Set(output.map((o) => o.number));
    // The synthetic CT is series 1 and the MR series 2.
    expect([...numbers].sort()).toEqual([501, 502]);
    for (const o of output) expect(o.description).toMatch(/^TEST /);
  });

  it('fails with a clear message on a bad setting, and on an input without DICOM files', async () => {
    const dir = await mkdtemp(path.join(root, 'bad-'));
    await writeFile(
      path.join(dir, 'task.json'),
      JSON.stringify({ process: { settings: { series_number_offset: 'many' } } }),
    );
    expect(() => execFileSync(pydicomPython(), [script, dir, dir], { stdio: 'pipe' })).toThrow(
      /series_number_offset must be a whole number, got 'many'/,
    );
    await writeFile(path.join(dir, 'task.json'), JSON.stringify({ process: { settings: {} } }));
    expect(() => execFileSync(pydicomPython(), [script, dir, dir], { stdio: 'pipe' })).toThrow(
      /no DICOM files in the input folder/,
    );
  });
});
