// The reusable workflows as GitHub runs them, read from their YAML: every input a caller can give
// reaches the Action's input of the same name, each job asks for the permissions it needs (and the
// callers we ship grant them), releases of different versions do not queue behind each other, the
// Action runs at the workflow's own commit, and third-party actions are pinned by commit.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../support/images.js';
import { ACTION } from './action-manifest.js';

interface Step {
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string | boolean | number>;
}
interface Job {
  'runs-on'?: string;
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: Record<string, string>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  steps?: Step[];
}
interface Workflow {
  on: {
    workflow_call?: { inputs: Record<string, { type: string; required?: boolean }>; secrets?: Record<string, unknown> };
  };
  permissions?: unknown;
  jobs: Record<string, Job>;
}

const read = async (file: string) => {
  const text = await readFile(path.join(REPO_ROOT, file), 'utf8');
  return { file, text, yaml: parse(text) as Workflow };
};
const REUSABLE = ['module-validate.yml', 'module-release.yml', 'module-promote.yml'];
const reusable = await Promise.all(REUSABLE.map((name) => read(`.github/workflows/${name}`)));
const KIT_ACTION = './.mercure-module-kit';
/** The smoke-run inputs every reusable workflow takes, as validate does. */
const SMOKE = ['fixtures', 'settings', 'module-config', 'level', 'requires-root', 'network', 'timeout'];

const actionStep = (wf: Workflow) =>
  Object.values(wf.jobs)
    .flatMap((job) => job.steps ?? [])
    .find((step) => step.uses === KIT_ACTION);
/** The `inputs.NAME` and `secrets.NAME` an expression reads. */
const refs = (kind: 'inputs' | 'secrets', value: unknown) =>
  [...String(value).matchAll(new RegExp(`${kind}\\.([a-z][a-z0-9-]*)`, 'g'))].map((m) => m[1] ?? '');

describe.each(reusable)('$file', ({ yaml, text }) => {
  const call = yaml.on.workflow_call;
  const inputs = Object.keys(call?.inputs ?? {});
  const step = actionStep(yaml);

  it('runs the kit Action once, with only inputs action.yml declares', () => {
    expect(step, 'a step uses ./.mercure-module-kit').toBeDefined();
    for (const name of Object.keys(step?.with ?? {})) expect(Object.keys(ACTION.inputs), name).toContain(name);
  });

  it('passes every input it takes to the Action input of the same name (runs-on and kit-ref to the job)', () => {
    const passed = new Map<string, string[]>();
    for (const [name, value] of Object.entries(step?.with ?? {}))
      for (const input of refs('inputs', value)) passed.set(input, [...(passed.get(input) ?? []), name]);
    for (const input of inputs) {
      if (input === 'runs-on' || input === 'kit-ref') continue;
      const to = input === 'from' ? 'promote-from' : input;
      expect(passed.get(input), `input ${input} reaches no Action input`).toContain(to);
    }
    for (const input of passed.keys()) expect(inputs, `${input} is read but not declared`).toContain(input);
  });

  it('takes every smoke-run input', () => {
    for (const name of SMOKE) expect(inputs).toContain(name);
  });

  it('declares a secret for every login it passes, and uses every secret it declares', () => {
    const declared = Object.keys(call?.secrets ?? {});
    const used = Object.values(step?.with ?? {}).flatMap((v) => refs('secrets', v));
    expect(new Set(used)).toEqual(new Set(declared));
    expect(declared).toContain('password');
    expect(step?.with?.['password']).toContain('secrets.password');
  });

  it('asks for permissions per job and not at the top (a caller cannot widen a top-level block)', () => {
    expect(yaml.permissions).toBeUndefined();
    for (const job of Object.values(yaml.jobs)) expect(job.permissions).toBeDefined();
  });

  it('takes runs-on as a label or a JSON list', () => {
    for (const job of Object.values(yaml.jobs)) expect(job['runs-on']).toContain('fromJSON(inputs.runs-on)');
  });

  it('checks the Action out at the workflow own commit, never a floating @v1', () => {
    expect(text).not.toMatch(/uses: mercure-imaging\/mercure-module-kit@/);
    const steps = Object.values(yaml.jobs).flatMap((j) => j.steps ?? []);
    const kit = steps.find((s) => s.id === 'kit');
    expect(kit?.run).toContain('.workflow_sha');
    expect(kit?.run).toContain('KIT_REF');
    const checkout = steps.find((s) => s.with?.['path'] === '.mercure-module-kit');
    expect(checkout?.with).toMatchObject({
      repository: '${{ steps.kit.outputs.repository }}',
      ref: '${{ steps.kit.outputs.ref }}',
      'persist-credentials': false,
    });
    expect(inputs).toContain('kit-ref');
  });
});

describe('the HTML report', () => {
  it.each(reusable.filter((w) => !w.file.endsWith('module-promote.yml')))(
    '$file: uploads the report-file output as an artifact after the Action, also when the Action failed',
    ({ yaml }) => {
      const steps = Object.values(yaml.jobs).flatMap((job) => job.steps ?? []);
      const action = actionStep(yaml);
      const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
      if (!action?.id || !upload) throw new Error('no Action step with an id, or no upload step');
      expect(steps.indexOf(upload)).toBeGreaterThan(steps.indexOf(action));
      expect(upload.with?.['path']).toBe(`\${{ steps.${action.id}.outputs.report-file }}`);
      expect(upload.if).toMatch(new RegExp(`always\\(\\) && steps\\.${action.id}\\.outputs\\.report-file != ''`));
    },
  );
});

describe('release and promote', () => {
  it.each(reusable.filter((w) => w.file !== '.github/workflows/module-validate.yml'))(
    '$file: may push to GHCR, and runs one release per version at a time, cancelling none',
    ({ yaml }) => {
      for (const job of Object.values(yaml.jobs)) {
        expect(job.permissions).toEqual({ contents: 'read', packages: 'write' });
        expect(job.concurrency?.['cancel-in-progress']).toBe(false);
        expect(job.concurrency?.group).toMatch(/inputs\.image.*inputs\.version \|\| github\.ref/);
      }
    },
  );

  it('promote takes a second login for the source registry', () => {
    const promote = reusable.find((w) => w.file.endsWith('module-promote.yml'))?.yaml;
    const step = promote && actionStep(promote);
    expect(step?.with?.['source-username']).toContain('inputs.source-username');
    expect(step?.with?.['source-password']).toContain('secrets.source-password');
  });

  it('validate asks for contents: read only, so any caller may call it', () => {
    const validate = reusable.find((w) => w.file.endsWith('module-validate.yml'))?.yaml;
    for (const job of Object.values(validate?.jobs ?? {})) expect(job.permissions).toEqual({ contents: 'read' });
  });
});

const CALLERS = [
  'workflows/examples/module-ci.yml',
  'examples/blur/.github/workflows/ci.yml',
  'src/scaffold/templates/python/github/workflows/ci.yml',
];

describe.each(CALLERS)('the caller %s', (file) => {
  it('gives only inputs and secrets the called workflow declares, and grants what its jobs ask for', async () => {
    const text = (await readFile(path.join(REPO_ROOT, file), 'utf8')).replaceAll('%%IMAGE%%', 'acme/blur');
    const caller = parse(text.replaceAll('%%NAMESPACE%%', 'acme')) as Workflow;
    const calls = Object.entries(caller.jobs).filter(([, job]) => job.uses?.includes('mercure-module-kit/.github/'));
    expect(calls.length).toBeGreaterThan(1);
    for (const [name, job] of calls) {
      const called = reusable.find((w) => job.uses?.includes(w.file))?.yaml;
      expect(called, `${name} calls a workflow of ours`).toBeDefined();
      const declared = called?.on.workflow_call;
      for (const input of Object.keys(job.with ?? {}))
        expect(Object.keys(declared?.inputs ?? {}), input).toContain(input);
      for (const [input, spec] of Object.entries(declared?.inputs ?? {}))
        if (spec.required) expect(Object.keys(job.with ?? {}), `${name} misses ${input}`).toContain(input);
      for (const secret of Object.keys(job.secrets ?? {}))
        expect(Object.keys(declared?.secrets ?? {})).toContain(secret);
      for (const calledJob of Object.values(called?.jobs ?? {}))
        for (const [scope, level] of Object.entries(calledJob.permissions ?? {})) {
          const granted = job.permissions?.[scope];
          expect(
            granted === level || (level === 'read' && granted === 'write'),
            `${name} grants ${scope}: ${level}`,
          ).toBe(true);
        }
    }
  });

  it('sets visibility on a release to Docker Hub, and says why', async () => {
    const text = (await readFile(path.join(REPO_ROOT, file), 'utf8')).replaceAll('%%IMAGE%%', 'acme/blur');
    const caller = parse(text) as Workflow;
    const release = Object.values(caller.jobs).find((j) => j.uses?.includes('module-release.yml'));
    const image = release?.with?.['image'];
    if (typeof image === 'string' && image.startsWith('ghcr.io/')) return expect(text).toMatch(/GITHUB_TOKEN/);
    expect(['public', 'private']).toContain(release?.with?.['visibility']);
    expect(text).toMatch(/visibility: (public|private)\n/);
    expect(text).toMatch(/PUBLIC/);
  });
});

describe('pinned actions', () => {
  it('every third-party action in our workflows is pinned by a full commit with its version in a comment', async () => {
    const dir = path.join(REPO_ROOT, '.github/workflows');
    const files = [...(await readdir(dir)).map((f) => `.github/workflows/${f}`), ...CALLERS, 'README.md'];
    let pinned = 0;
    for (const file of files) {
      const text = await readFile(path.join(REPO_ROOT, file), 'utf8');
      for (const m of text.matchAll(/^\s*(?:- )?uses: (\S+)(.*)$/gm)) {
        const [ref = '', comment = ''] = [m[1], m[2]];
        if (ref.startsWith('./') || ref.startsWith('mercure-imaging/mercure-module-kit')) continue;
        expect(ref, `${file}: ${ref}`).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/);
        expect(comment, `${file}: ${ref}`).toMatch(/^ # v\d+\.\d+\.\d+$/);
        pinned++;
      }
    }
    expect(pinned).toBeGreaterThan(5);
  });
});
