import { cliSpelling } from '../../src/cli/spelling.js';
import type { ModuleError } from '../../src/errors.js';
import { describe, expect, it } from 'vitest';
import { instructionOf, isFrontendFailure, PlainProgress } from '../../src/engine/build-progress.js';
import { parseSecret, scrub, singlePlatform } from '../../src/engine/build-settings.js';

/** BuildKit's plain progress as buildx 0.13.1 prints it against Engine 20.10 (captured here). */
const FAILED_BUILD = `#0 building with "default" instance using docker driver

#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 303B done
#1 DONE 0.0s

#4 [stage-0 1/5] FROM docker.io/mmk-base/busybox:static
#4 DONE 0.0s

#6 [stage-0 2/5] COPY --chmod=755 run.sh /app/run.sh
#6 CACHED

#9 [stage-0 5/5] RUN echo about to fail && false
#9 0.327 about to fail
#9 ERROR: executor failed running [/bin/sh -c echo about to fail && false]: exit code: 1
------
 > [stage-0 5/5] RUN echo about to fail && false:
0.327 about to fail
------
ERROR: failed to solve: executor failed running [/bin/sh -c echo about to fail && false]: exit code: 1`;

const OFFLINE_FRONTEND = `#3 resolve image config for docker.io/docker/dockerfile:1
#3 ERROR: failed to do request: Head "https://registry-1.docker.io/v2/docker/dockerfile/manifests/1": no such host
------
 > resolve image config for docker.io/docker/dockerfile:1:
------
ERROR: failed to solve: rpc error: code = Unknown desc = failed to solve with frontend dockerfile.v0: failed to solve with frontend gateway.v0: failed to do request`;

function read(text: string): PlainProgress {
  const progress = new PlainProgress();
  for (const line of text.split('\n')) progress.read(line);
  return progress;
}

describe('PlainProgress', () => {
  it('knows the cached, done and failed steps of a build', () => {
    const progress = read(FAILED_BUILD);
    const steps = progress.dockerfileSteps.map((s) => [instructionOf(s), s.cached, s.done]);
    expect(steps).toEqual([
      ['FROM docker.io/mmk-base/busybox:static', false, true],
      ['COPY --chmod=755 run.sh /app/run.sh', true, true],
      ['RUN echo about to fail && false', false, false],
    ]);
    expect(progress.failedStep?.name).toBe('[stage-0 5/5] RUN echo about to fail && false');
    expect(progress.failedStep?.error).toMatch(/exit code: 1$/);
    expect(progress.failure).toMatch(/^executor failed running/);
    expect(isFrontendFailure(progress)).toBe(false);
  });

  it('tells an unreachable # syntax= frontend from a failing step', () => {
    expect(isFrontendFailure(read(OFFLINE_FRONTEND))).toBe(true);
  });
});

describe('build settings', () => {
  it.each([
    ['id=token,src=/run/token', { id: 'token', src: '/run/token' }],
    ['id=token,env=TOKEN', { id: 'token', env: 'TOKEN' }],
    ['type=file,id=t,source=a.txt', { id: 't', src: 'a.txt' }],
  ])('reads --secret %s', (value, expected) => {
    expect(parseSecret(value)).toEqual(expected);
  });

  it.each([['src=/x'], ['id=t'], ['id=t,oops']])('refuses --secret %s, naming what is missing', (value) => {
    // The library names its own option; the CLI's words name its flag.
    expect(() => parseSecret(value)).toThrow(/^secret /);
    const error = (() => {
      try {
        parseSecret(value);
      } catch (e) {
        return e as ModuleError;
      }
    })();
    expect(error?.told(cliSpelling).message).toMatch(/^--secret /);
  });

  it('scrubs secret values from a line', () => {
    expect(scrub('token is s3cr3t-value, again s3cr3t-value', ['s3cr3t-value'])).toBe('token is ***, again ***');
  });

  it('takes one platform, and refuses a list until per-platform output exists', () => {
    expect(singlePlatform(['linux/amd64'])).toBe('linux/amd64');
    expect(singlePlatform(undefined)).toBeUndefined();
    expect(() => singlePlatform(['linux/amd64,linux/arm64'])).toThrow(/validate builds one platform at a time/);
  });
});
