import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { demux, OWNER_LABEL, runContainer, StartError } from '../../src/engine/containers.js';
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

describe('demux', () => {
  it('splits the multiplexed log frames by stream', () => {
    const frame = (stream: number, text: string) => {
      const body = Buffer.from(text);
      const head = Buffer.alloc(8);
      head[0] = stream;
      head.writeUInt32BE(body.length, 4);
      return Buffer.concat([head, body]);
    };
    const parsed = demux(Buffer.concat([frame(1, 'a\n'), frame(2, 'b\n'), frame(1, 'c\n')]));
    expect(parsed).toEqual({ stdout: 'a\nc\n', stderr: 'b\n', ordered: 'a\nb\nc\n' });
  });
});
