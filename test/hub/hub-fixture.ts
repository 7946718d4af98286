import { randomBytes } from 'node:crypto';
import { HubClient, type HubClientOptions } from '../../src/hub/client.js';
import { MemoryLogger } from '../../src/logger.js';
import type { HubServer, HubServerRequest } from '../support/hub-server.js';
export { moduleFailure as failure } from '../support/failure.js';

/** A secret shaped like a personal access token, different each run. */
export function fakeSecret(): string {
  return `dckr_pat_${randomBytes(18).toString('base64url')}`;
}

/** A fake clock and sleep: sleeping moves the clock, and every wait is recorded. */
export function fakeTime(start = 1_750_000_000_000) {
  const time = { now: start, sleeps: [] as number[] };
  return {
    time,
    now: () => time.now,
    sleep: async (ms: number) => {
      time.sleeps.push(ms);
      time.now += ms;
    },
  };
}

/** A client for the stand-in with a memory logger and the fake clock; `options` override. */
export function hubClient(
  server: HubServer,
  clock: ReturnType<typeof fakeTime>,
  options: Partial<HubClientOptions> = {},
) {
  const logger = new MemoryLogger();
  const client = new HubClient({ url: server.url, logger, now: clock.now, sleep: clock.sleep, ...options });
  return { client, logger };
}

/** The requests the stand-in answered since `mark` (an index into its log). */
export function requestsSince(server: HubServer, mark: number): HubServerRequest[] {
  return server.state.requests.slice(mark);
}

/** "METHOD path -> status" lines, for order assertions that read well when they fail. */
export function lines(requests: HubServerRequest[]): string[] {
  return requests.map((r) => `${r.method} ${r.path} -> ${r.status}`);
}
