import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { demux, OWNER_LABEL, runContainer, StartError } from '../../src/engine/containers.js';
import { LogReader } from '../../src/engine/container-log.js';
import { BASE_IMAGES } from '../support/images.js';

const docker = new Docker();
const busybox = BASE_IMAGES.busybox;

async function ours(): Promise<number> {
  return (await docker.listContainers({ all: true, filters: { label: [`${OWNER_LABEL}=${process.pid}`] } })).length;
}

describe('runContainer', () => {
  it('returns exit code, both streams in time order, and removes the container', async () => {
    const result = await runContainer(docker, {
      image: busybox,
      cmd: ['sh', '-c', 'echo out1; sleep 0.2; echo err1 >&2; sleep 0.2; echo out2; exit 4'],
      networkMode: 'none',
    });
    expect(result.exitCode).toBe(4);
    expect(result.stdout).toBe('out1\nout2\n');
    expect(result.stderr).toBe('err1\n');
    expect(result.log.map((l) => l.replace(/^\S+Z /, ''))).toEqual(['out1', 'err1', 'out2']);
    expect(await ours()).toBe(0);
  });

  it('kills a container that outlives its timeout and still removes it', async () => {
    const started = Date.now();
    const result = await runContainer(docker, {
      image: busybox,
      cmd: ['sleep', '600'],
      networkMode: 'none',
      timeoutMs: 1500,
    });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await ours()).toBe(0);
  });

  it('stops on abort', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1000);
    const result = await runContainer(docker, {
      image: busybox,
      cmd: ['sleep', '600'],
      networkMode: 'none',
      signal: controller.signal,
    });
    expect(result.interrupted).toBe(true);
    expect(await ours()).toBe(0);
  });

  it('reports a missing executable as a StartError and removes the container', async () => {
    const error = await runContainer(docker, {
      image: busybox,
      entrypoint: [''],
      cmd: ['no-such-binary'],
      networkMode: 'none',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartError);
    expect((error as StartError).notFound).toBe(true);
    expect(await ours()).toBe(0);
  });

  it('runs as the uid:gid it is given, without capabilities', async () => {
    const result = await runContainer(docker, {
      image: busybox,
      cmd: ['sh', '-c', 'id -u; id -g; grep CapEff /proc/self/status'],
      user: '38117:38117',
      groupAdd: ['38117'],
      capDrop: ['ALL'],
      networkMode: 'none',
    });
    expect(result.stdout.split('\n').slice(0, 2)).toEqual(['38117', '38117']);
    expect(result.stdout).toMatch(/CapEff:\s+0+\n/);
  });

  it('turns an unknown image into a clear ModuleError', async () => {
    await expect(runContainer(docker, { image: 'mmk-test/does-not-exist:1.0.0' })).rejects.toMatchObject({
      code: 'image-not-found',
    });
  });
});

describe('module logs', () => {
  it('keeps a bounded tail of an endless log and counts the rest', async () => {
    // 400,000 lines (about 19 MB): kept whole, this was every line in memory as one string.
    const result = await runContainer(docker, {
      image: busybox,
      cmd: ['sh', '-c', 'seq 1 400000 | sed "s/$/ of the log, padded out a little/"; echo last >&2; exit 3'],
      networkMode: 'none',
    });
    expect(result.exitCode).toBe(3);
    expect(result.log.length).toBe(201);
    expect(result.omittedLines).toBe(400_001 - 201);
    // The stderr line is kept although 400,000 stdout lines came before it (each stream has a tail).
    expect(result.log.filter((l) => /Z last$/.test(l))).toHaveLength(1);
    expect(result.stdout).toMatch(/^1 of the log, padded out a little\n2 of/);
    expect(result.stdout.length).toBeLessThanOrEqual(1024 * 1024);
    expect(await ours()).toBe(0);
  });

  it('cuts a line without end and escapes terminal control sequences', async () => {
    const result = await runContainer(docker, {
      image: busybox,
      cmd: ['sh', '-c', 'printf "\\033]0;owned\\007\\033[31mred\\n"; head -c 3000000 /dev/zero | tr "\\0" x'],
      networkMode: 'none',
    });
    const text = result.log.map((l) => l.replace(/^\S+Z /, ''));
    expect(text[0]).toBe('\\u001b]0;owned\\u0007\\u001b[31mred');
    const raw = [...result.log.join('')].filter((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
    expect(raw).toEqual([]);
    expect(Math.max(...result.log.map((l) => l.length))).toBeLessThan(4200);
    expect(text.join('')).toMatch(/x+ … \(\d+ more bytes\)/);
  });
});

describe('demux', () => {
  const frame = (stream: number, text: string) => {
    const body = Buffer.from(text);
    const head = Buffer.alloc(8);
    head[0] = stream;
    head.writeUInt32BE(body.length, 4);
    return Buffer.concat([head, body]);
  };

  it('splits the multiplexed log frames by stream', () => {
    const parsed = demux(Buffer.concat([frame(1, 'a\n'), frame(2, 'b\n'), frame(1, 'c\n')]));
    expect(parsed).toMatchObject({ stdout: 'a\nc\n', stderr: 'b\n', log: ['a', 'b', 'c'], totalLines: 3 });
  });

  it('reads frames split anywhere, headers included, one byte at a time', () => {
    const raw = Buffer.concat([frame(1, 'one\ntw'), frame(1, 'o\n'), frame(2, 'err\n'), frame(1, 'tail')]);
    const reader = new LogReader({ tailLines: 2, lineChars: 100, headBytes: 4 });
    for (let i = 0; i < raw.length; i++) reader.push(raw.subarray(i, i + 1));
    expect(reader.end()).toEqual({
      stdout: 'one\n',
      stderr: 'err\n',
      log: ['two', 'err', 'tail'],
      totalLines: 4,
      totalBytes: raw.length,
    });
  });
});
