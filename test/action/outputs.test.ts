// The step's outputs from what a command did: full references one a line in `tags`, bare names in
// `tag-names`, the bare version always; and promote's rule for the source login.
import { describe, expect, it } from 'vitest';
import type { ActionOutcome } from '../../src/action/commands.js';
import type { ActionInputs } from '../../src/action/inputs.js';
import { actionOutputs } from '../../src/action/outputs.js';
import { sourceCredentials } from '../../src/action/promote.js';

const base: ActionOutcome = {
  command: 'release',
  subject: '',
  ok: true,
  tags: [],
  skipped: [],
  dryRun: false,
  report: {},
};
const tags = (...names: string[]) => names.map((tag) => ({ tag, reason: 'why' }));

describe('actionOutputs', () => {
  const rows: [name: string, outcome: Partial<ActionOutcome>, expected: Record<string, string>][] = [
    [
      'out01 a release: full references and bare names, one a line',
      { image: 'acme/blur', version: '1.2.3', digest: 'sha256:ab', tags: tags('1.2.3', '1.2', '1', 'latest') },
      {
        tags: 'acme/blur:1.2.3\nacme/blur:1.2\nacme/blur:1\nacme/blur:latest',
        'tag-names': '1.2.3\n1.2\n1\nlatest',
        version: '1.2.3',
        digest: 'sha256:ab',
        image: 'acme/blur',
      },
    ],
    [
      'out02 a registry with a port keeps its colon',
      { image: '127.0.0.1:5000/acme/blur', tags: tags('2.0.0-rc.1') },
      { tags: '127.0.0.1:5000/acme/blur:2.0.0-rc.1', 'tag-names': '2.0.0-rc.1' },
    ],
    [
      'out03 status asked about a tag: the reference is the repository with that tag',
      { command: 'status', image: 'ghcr.io/acme/blur:1', tags: tags('1'), version: '1.2.3' },
      { tags: 'ghcr.io/acme/blur:1', 'tag-names': '1', image: 'ghcr.io/acme/blur:1', version: '1.2.3' },
    ],
    [
      'out04 validate publishes nothing: empty tags and digest',
      { command: 'validate', image: 'mercure-module-validate/blur:dev', version: '1.2.3' },
      { tags: '', 'tag-names': '', digest: '', version: '1.2.3' },
    ],
  ];
  it.each(rows)('%s', (_name, outcome, expected) => {
    expect(actionOutputs({ ...base, ...outcome })).toMatchObject(expected);
  });

  it('report is the library report as JSON', () => {
    expect(JSON.parse(actionOutputs({ ...base, report: { ok: true, n: 1 } }).report)).toEqual({ ok: true, n: 1 });
  });
});

describe("promote's source login", () => {
  const target = { username: 'hub', password: 'hub-token' };
  const staging = { username: 'ci', password: 'ghcr-token' };
  const inputs = (source?: typeof staging) =>
    ({ credentials: target, sourceCredentials: source }) as unknown as ActionInputs;

  it('is source-username/-password when given', () => {
    expect(sourceCredentials(inputs(staging), 'ghcr.io/acme/blur-staging:1.2.3', 'acme/blur')).toEqual(staging);
  });
  it("is the target's login for a source on the same registry", () => {
    expect(sourceCredentials(inputs(), 'acme/blur-staging:1.2.3', 'docker.io/acme/blur')).toEqual(target);
  });
  it("is none for a source on another registry: a login never goes to another registry's host", () => {
    expect(sourceCredentials(inputs(), 'ghcr.io/acme/blur-staging:1.2.3', 'acme/blur')).toBeUndefined();
  });
});
