import { describe, expect, it } from 'vitest';
import { moduleNames, PLACEHOLDER_NAMESPACE, suggestComponent } from '../../src/scaffold/names.js';

// name, namespace, folder -> image (or the error message and hint it must give).
const VALID: [row: string, name: string | undefined, namespace: string | undefined, folder: string, image: string][] = [
  ['names01 name and namespace', 'blur', 'acme', 'whatever', 'acme/blur'],
  ['names02 name from the folder', undefined, 'acme', 'lung-seg', 'acme/lung-seg'],
  ['names03 placeholder namespace', 'blur', undefined, 'x', `${PLACEHOLDER_NAMESPACE}/blur`],
  ['names04 GHCR namespace', 'blur', 'ghcr.io/acme', 'x', 'ghcr.io/acme/blur'],
  [
    'names05 registry with port and path',
    'blur',
    '127.0.0.1:5000/team/imaging',
    'x',
    '127.0.0.1:5000/team/imaging/blur',
  ],
  ['names06 trailing slash dropped', 'blur', 'acme/', 'x', 'acme/blur'],
  ['names07 separators', 'ct_lung.seg-v2', 'acme', 'x', 'acme/ct_lung.seg-v2'],
  ['names08 localhost registry', 'blur', 'localhost:5000/acme', 'x', 'localhost:5000/acme/blur'],
];

const INVALID: [
  row: string,
  name: string | undefined,
  namespace: string | undefined,
  folder: string,
  message: RegExp,
  hint: RegExp,
][] = [
  [
    'bad01 uppercase folder',
    undefined,
    'acme',
    'MyModule',
    /module name "MyModule" \(from the folder name/,
    /--name mymodule/,
  ],
  ['bad02 spaces in --name', 'My Module', 'acme', 'x', /module name "My Module" \(--name\)/, /--name my-module/],
  ['bad03 leading separator', '-blur', 'acme', 'x', /not a valid Docker repository name/, /--name blur/],
  ['bad04 nothing usable', '***', 'acme', 'x', /"\*\*\*"/, /such as blur/],
  [
    'bad05 uppercase namespace',
    'blur',
    'Acme',
    'x',
    /--namespace "Acme": "Acme" is not a valid repository path component/,
    /"acme"/,
  ],
  ['bad06 whitespace namespace', 'blur', 'ac me', 'x', /empty or contains whitespace/, /Docker Hub user/],
  ['bad07 bad path under a host', 'blur', 'ghcr.io/Acme', 'x', /"Acme" is not a valid/, /"acme"/],
  ['bad08 bad host', 'blur', 'bad_host.io:99999x/acme', 'x', /invalid image reference|not a valid/, /./],
];

describe('moduleNames', () => {
  it.each(VALID)('%s', (_row, name, namespace, folder, image) => {
    expect(moduleNames({ name, namespace, folderName: folder }).image).toBe(image);
  });

  it.each(INVALID)('%s', (_row, name, namespace, folder, message, hint) => {
    let caught: unknown;
    try {
      moduleNames({ name, namespace, folderName: folder });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ name: 'ModuleError', exitCode: 2 });
    expect((caught as Error).message).toMatch(message);
    expect((caught as { hint?: string }).hint ?? '').toMatch(hint);
  });

  it('suggests a valid component or nothing', () => {
    expect(suggestComponent('Lung  Seg__V2!')).toBe('lung-seg-v2');
    expect(suggestComponent('...')).toBeUndefined();
  });
});
