// Garbage from a registry (class 5): a real HTTP server on loopback that answers 200 with the
// right headers and garbage inside. Every method of the client parses what it acts on and reports
// the registry's fault as registry-bad-response (exit 3), naming the registry and the request.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ExitCode, isModuleError } from '../../src/errors.js';
import { RegistryClient } from '../../src/registry/client.js';
import { parseReference } from '../../src/registry/reference.js';
import { startGarbageRegistry, type GarbageRegistry } from '../support/garbage-registry.js';

let garbage: GarbageRegistry;
let client: RegistryClient;

beforeAll(async () => {
  garbage = await startGarbageRegistry();
  client = new RegistryClient({ registry: garbage.host });
});
afterAll(async () => {
  await garbage.close();
});

/** The ModuleError `run` throws: code, exit code and message. */
async function failure(run: () => Promise<unknown>): Promise<{ code: string; exit: number; message: string }> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isModuleError(error)) throw new Error(`expected a ModuleError, got ${String(error)}`);
  return { code: error.code, exit: error.exitCode, message: error.message };
}

describe('a registry answering garbage', () => {
  test.each([
    [
      'pa01 tags/list as an HTML page',
      'html',
      /answered list tags of html\/x with text that is not JSON \("<html><body>502/,
    ],
    [
      'pa02 tags as text',
      'tags-not-list',
      /answered list tags of tags-not-list\/x with JSON that has "tags" that is not a list/,
    ],
    ['pa03 a list where the object belongs', 'tags-array', /with JSON that is not an object/],
    ['pa04 tags that are numbers', 'tags-numbers', /with JSON that has "tags"\[0\] that is not text/],
  ])('%s', async (_name, repository, message) => {
    const got = await failure(() => client.listTags(`${repository}/x`));
    expect(got.code).toBe('registry-bad-response');
    expect(got.exit).toBe(ExitCode.environment);
    expect(got.message).toContain(`registry ${garbage.host} answered`);
    expect(got.message).toMatch(message);
  });

  test('pa05 a manifest that is not JSON', async () => {
    const got = await failure(() => client.getManifest('html/x', '1'));
    expect(got).toEqual({
      code: 'registry-bad-response',
      exit: ExitCode.environment,
      message: `registry ${garbage.host} answered GET manifest html/x:1 with text that is not JSON ("<html>oops</html>")`,
    });
  });

  test('pa06 a malformed Docker-Content-Digest header is the registry fault, not the image name', async () => {
    for (const run of [() => client.headManifest('bad-digest/x', '1'), () => client.getManifest('bad-digest/x', '1')]) {
      const got = await failure(run);
      expect(got.code).toBe('registry-bad-response');
      expect(got.exit).toBe(ExitCode.environment);
      expect(got.message).toMatch(
        /answered (HEAD|GET) manifest bad-digest\/x:1 with a malformed Docker-Content-Digest header \("sha256:zz"\)/,
      );
    }
  });

  test('pa07 a manifest whose layer digest is a path is refused before any blob request', async () => {
    const got = await failure(() => client.getManifest('bad-layer/x', '1'));
    expect(got.exit).toBe(ExitCode.environment);
    expect(got.message).toContain(
      `registry ${garbage.host} answered GET manifest bad-layer/x:1 with JSON that has "layers"[0] that has no valid "digest" ("../../../etc/passwd")`,
    );
  });

  test('pa08 a config blob that is not JSON', async () => {
    const manifest = await client.getManifest('bad-config/x', '1');
    const got = await failure(() => client.getConfig('bad-config/x', manifest));
    expect(got.code).toBe('registry-bad-response');
    expect(got.message).toMatch(
      /answered GET config bad-config\/x@sha256:[a-f0-9]{64} with text that is not JSON \("not json at all"\)/,
    );
  });
});

describe('a port out of range in an image name is the user input (exit 2), not a TypeError', () => {
  test.each(['127.0.0.1:99999/acme/blur', 'localhost:0/acme/blur', 'registry.example:65536/acme/blur:1'])(
    '%s',
    (ref) => {
      let error: unknown;
      try {
        parseReference(ref);
      } catch (e) {
        error = e;
      }
      expect(isModuleError(error) && error.exitCode).toBe(ExitCode.usage);
      expect((error as Error).message).toMatch(/port \d+ of registry host ".*" is not between 1 and 65535/);
    },
  );

  test('ports 1 and 65535 are fine', () => {
    expect(parseReference('127.0.0.1:65535/acme/blur').registry).toBe('127.0.0.1:65535');
    expect(parseReference('127.0.0.1:1/acme/blur').registry).toBe('127.0.0.1:1');
  });
});
