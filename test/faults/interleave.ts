/**
 * Runs the registry requests of concurrent publishes one at a time, in an order drawn from a seeded
 * random source, instead of delaying them at random: the same seed gives the same interleaving (as
 * far as each publish's own requests come in a fixed order), so a failed round replays.
 */
export interface Interleaver {
  /** A lane per publish: its fetch, and `run` to say when the publish is over. */
  lane(name: string): { fetch: typeof fetch; run<T>(work: () => Promise<T>): Promise<T> };
  /** Which lane's request went at each step, e.g. "abba…": printed with a failed round. */
  readonly order: string[];
}

interface Lane {
  name: string;
  pending: (() => void)[];
  done: boolean;
}

/** `gated` picks the requests that take turns (others go straight through). */
export function interleaver(random: () => number, gated: (url: string) => boolean): Interleaver {
  const lanes: Lane[] = [];
  const order: string[] = [];
  let busy = false;
  // A request goes only when none is in flight and every publish still running waits with one:
  // then which one goes is the seed's choice alone, not the machine's timing.
  const step = () => {
    const live = lanes.filter((l) => !l.done);
    if (busy || live.length === 0 || live.some((l) => l.pending.length === 0)) return;
    const lane = live[Math.floor(random() * live.length)] as Lane;
    busy = true;
    order.push(lane.name);
    lane.pending.shift()?.();
  };
  return {
    order,
    lane(name) {
      const lane: Lane = { name, pending: [], done: false };
      lanes.push(lane);
      const gate: typeof fetch = async (input, init) => {
        if (!gated(String(input))) return fetch(input, init);
        await new Promise<void>((release) => {
          lane.pending.push(release);
          step();
        });
        try {
          return await fetch(input, init);
        } finally {
          busy = false;
          step();
        }
      };
      return {
        fetch: gate,
        run: (work) =>
          work().finally(() => {
            lane.done = true;
            step();
          }),
      };
    },
  };
}
