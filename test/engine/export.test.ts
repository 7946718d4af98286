// exportImage against the real Engine: over its unix socket by the bare-socket client, the same
// bytes dockerode reads; a missing image and an Engine that is not there named as such; an abort
// ends the stream.
import { createHash } from 'node:crypto';
import { connect, createServer, type AddressInfo } from 'node:net';
import Docker from 'dockerode';
import { describe, expect, test, vi } from 'vitest';
import { exportImage } from '../../src/engine/export.js';
import { isModuleError } from '../../src/errors.js';
import { BASE_IMAGES } from '../support/images.js';
import { failure } from '../support/failure.js';

const docker = new Docker();
const image = BASE_IMAGES.busybox;

async function digestOf(stream: AsyncIterable<Uint8Array>): Promise<{ digest: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { digest: hash.digest('hex'), bytes };
}

describe('exportImage', () => {
  test('ex01 over the unix socket: the same bytes as the Engine gives dockerode', async () => {
    const { Id } = await docker.getImage(image).inspect();
    const ours = await digestOf((await exportImage(docker, Id)) as AsyncIterable<Uint8Array>);
    const theirs = await digestOf((await docker.getImage(Id).get()) as unknown as AsyncIterable<Uint8Array>);
    expect(ours.bytes).toBeGreaterThan(1_000_000);
    expect(ours).toEqual(theirs);
  });

  test('ex02 a missing image is image-not-found; an Engine socket nobody listens on is export-failed naming it', async () => {
    const missing = await failure(exportImage(docker, 'mmk-missing/none:never'));
    expect(isModuleError(missing) && missing.code).toBe('image-not-found');
    const nowhere = new Docker({ socketPath: '/nonexistent/docker.sock' });
    const error = await failure(exportImage(nowhere, image));
    expect(isModuleError(error) && error.code).toBe('export-failed');
    expect((error as Error).message).toMatch(/ENOENT/);
  });

  test('ex03 an abort ends the stream being read', async () => {
    const controller = new AbortController();
    const stream = await exportImage(docker, image, controller.signal);
    const reading = failure(digestOf(stream as AsyncIterable<Uint8Array>));
    controller.abort();
    expect(((await reading) as Error).message).toBe('interrupted');
  });

  test('ex04 a plain-HTTP DOCKER_HOST (tcp://) is read the same way, through its host and port', async () => {
    // The Engine listens on its unix socket only: a TCP port in front of it stands in for tcp://.
    const requests: string[] = [];
    const server = createServer((client) => {
      const engine = connect('/var/run/docker.sock');
      client.once('data', (head: Buffer) => requests.push(head.toString('latin1').split('\r\n')[0] ?? ''));
      client.pipe(engine).pipe(client);
      for (const socket of [client, engine]) socket.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const overTcp = new Docker({ host: '127.0.0.1', port, protocol: 'http' });
      const { Id } = await docker.getImage(image).inspect();
      const ours = await digestOf((await exportImage(overTcp, Id)) as AsyncIterable<Uint8Array>);
      const theirs = await digestOf((await docker.getImage(Id).get()) as unknown as AsyncIterable<Uint8Array>);
      expect(ours).toEqual(theirs);
      expect(requests).toEqual([`GET /images/get?names=${encodeURIComponent(Id)} HTTP/1.1`]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('ex05 an export asked for early and read later is not cut by the answer limit (it is no registry answer)', async () => {
    vi.stubEnv('MERCURE_MODULE_REQUEST_TIMEOUT', '1');
    try {
      const { Id } = await docker.getImage(image).inspect();
      const stream = await exportImage(docker, Id);
      // The push's registry lookups run meanwhile: here, three times the limit.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const ours = await digestOf(stream as AsyncIterable<Uint8Array>);
      const theirs = await digestOf((await docker.getImage(Id).get()) as unknown as AsyncIterable<Uint8Array>);
      expect(ours).toEqual(theirs);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
