// action.yml against the code: every input it declares is read by readInputs and every input read
// is declared; every output is written and declared; each has a description, and the defaults the
// code falls back to are the ones action.yml declares.
import { describe, expect, it } from 'vitest';
import { readInputs, type InputSource } from '../../src/action/inputs.js';
import { actionOutputs, OUTPUT_NAMES } from '../../src/action/outputs.js';
import { ACTION } from './action-manifest.js';

/** An InputSource that answers from `values` (else action.yml's default, as the runner does) and records every name read. */
function recording(values: Record<string, string>) {
  const read = new Set<string>();
  const booleans = new Set<string>();
  const value = (name: string) => values[name] ?? ACTION.inputs[name]?.default ?? '';
  const source: InputSource = {
    get(name) {
      read.add(name);
      return value(name);
    },
    getBoolean(name) {
      read.add(name);
      booleans.add(name);
      const v = value(name);
      if (v === 'true' || v === 'false') return v === 'true';
      throw new TypeError(`not a boolean: ${name}`);
    },
    mask: () => undefined,
  };
  return { source, read, booleans };
}

const promote = {
  command: 'promote',
  image: 'ghcr.io/acme/blur',
  'promote-from': 'acme/blur-staging',
  version: '1.2.3',
  // Booleans given as true so getBoolean is reached for every one of them.
  'change-visibility': 'true',
  'major-zero': 'true',
  force: 'true',
  'requires-root': 'true',
  network: 'true',
  'dry-run': 'true',
};

describe('action.yml and the code', () => {
  it('runs on node24 from dist/index.js', () => {
    expect(ACTION.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });

  it('every input is read by readInputs, and every input read is declared', () => {
    const { source, read } = recording(promote);
    readInputs(source, { ref: 'refs/tags/v1.2.3', releaseTag: undefined }, {});
    expect([...read].sort()).toEqual(Object.keys(ACTION.inputs).sort());
  });

  it('every input has a description, and every boolean a default of true or false', () => {
    const { source, booleans } = recording(promote);
    readInputs(source, { ref: 'refs/tags/v1.2.3', releaseTag: undefined }, {});
    for (const [name, input] of Object.entries(ACTION.inputs)) {
      expect(input.description?.length ?? 0, name).toBeGreaterThan(20);
      expect(input.required ?? false, `${name}: required inputs break commands that do not need them`).toBe(false);
    }
    expect(booleans.size).toBeGreaterThan(5);
    for (const name of booleans) expect(['true', 'false'], name).toContain(ACTION.inputs[name]?.default);
  });

  it("the defaults action.yml declares are the code's own (an empty input reads as its default)", () => {
    const declared = recording({ command: 'validate' });
    const empty = recording({ command: 'validate' });
    const withDefaults = readInputs(declared.source, { ref: 'refs/heads/main', releaseTag: undefined }, {});
    const emptySource: InputSource = { ...empty.source, get: (name) => (name === 'command' ? 'validate' : '') };
    const withoutDefaults = readInputs(
      { ...emptySource, getBoolean: () => false },
      { ref: 'refs/heads/main', releaseTag: undefined },
      {},
    );
    expect({ ...withDefaults, timeoutSeconds: undefined }).toEqual(withoutDefaults);
    expect(withDefaults.timeoutSeconds).toBe(600); // the smoke run's own default
  });

  it('every output is written, and every output written is declared', () => {
    expect([...OUTPUT_NAMES].sort()).toEqual(Object.keys(ACTION.outputs).sort());
    const written = actionOutputs({
      command: 'validate',
      subject: '.',
      ok: true,
      tags: [],
      skipped: [],
      dryRun: false,
      report: {},
    });
    expect(Object.keys(written).sort()).toEqual(Object.keys(ACTION.outputs).sort());
    for (const [name, output] of Object.entries(ACTION.outputs))
      expect(output.description?.length ?? 0, name).toBeGreaterThan(20);
  });
});
