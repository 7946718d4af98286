import { mkdir, mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { FolderTraits } from '../../src/mercure/variants/index.js';
import { VariantSchedule } from '../../src/pipeline/matrix/schedule.js';

/** A promise settled by hand, so the test decides every interleaving (no timers). */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const TRAITS = { modalities: ['CT'] } as unknown as FolderTraits;

async function schedule(count: number) {
  const stage = await mkdtemp(path.join(tmpdir(), 'mmk-schedule-'));
  const writes = Array.from({ length: count }, deferred);
  const started: number[] = [];
  const s = new VariantSchedule(
    stage,
    count,
    async (i, folder) => {
      started.push(i);
      await mkdir(folder);
      await writes[i]?.promise;
    },
    () => Promise.resolve(TRAITS),
  );
  return { s, stage, writes, started };
}

describe('the matrix schedule', () => {
  test('ms01 a case is written ahead: asking for case i starts i and i+1, never past the last', async () => {
    const { s, writes, started } = await schedule(2);
    void s.case(0);
    expect(started).toEqual([0, 1]);
    void s.case(1);
    expect(started).toEqual([0, 1]);
    for (const w of writes) w.resolve();
    await s.close();
  });

  test('ms02 writtenAlready tells a case still being written from a written one', async () => {
    const { s, writes } = await schedule(1);
    const ready = s.case(0);
    expect(await s.writtenAlready(0)).toBeUndefined();
    writes[0]?.resolve();
    await ready;
    expect((await s.writtenAlready(0))?.traits).toBe(TRAITS);
    await s.close();
  });

  test('ms03 runs may start early but their modules run one at a time, in order', async () => {
    const { s, writes } = await schedule(3);
    for (const w of writes) w.resolve();
    const events: string[] = [];
    const finish = [deferred(), deferred(), deferred()];
    const turns = [0, 1, 2].map((i) =>
      s.queue(async (turn) => {
        events.push(`probe ${i}`);
        await turn;
        events.push(`module ${i}`);
        await finish[i]?.promise;
        events.push(`end ${i}`);
      }),
    );
    await turns[0];
    expect(events).toEqual(['probe 0', 'probe 1', 'probe 2', 'module 0']);
    finish[0]?.resolve();
    await turns[1];
    expect(events.slice(4)).toEqual(['end 0', 'module 1']);
    finish[1]?.resolve();
    await turns[2];
    finish[2]?.resolve();
    await s.close();
    expect(events.slice(6)).toEqual(['end 1', 'module 2', 'end 2']);
  });

  test('ms04 a failed run does not stop the next from getting its turn', async () => {
    const { s } = await schedule(2);
    void s.queue(() => Promise.reject(new Error('engine down')));
    const second = s.queue(async (turn) => turn);
    await expect(second).resolves.toBeUndefined();
    await s.close();
  });

  test('ms05 close waits for writes still running, then removes the stage', async () => {
    const { s, stage, writes } = await schedule(2);
    void s.case(0);
    let closed = false;
    const closing = s.close().then(() => (closed = true));
    await Promise.resolve();
    expect(closed).toBe(false);
    for (const w of writes) w.resolve();
    await closing;
    await expect(stat(stage)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
