import { createServer, connect, type Server, type Socket } from 'node:net';

/** A loopback TCP proxy that can drop everything at a chosen moment: "the registry went away". */
export interface CuttableProxy {
  host: string;
  /** Closes every connection and stops accepting new ones. */
  cut(): void;
  close(): Promise<void>;
}

/**
 * Forwards 127.0.0.1:<random port> to `target` (host:port). When `cutWhen` matches a chunk the
 * client sends (e.g. the start of a blob upload), the proxy cuts every connection at once.
 */
export async function startCuttableProxy(target: string, cutWhen?: (chunk: Buffer) => boolean): Promise<CuttableProxy> {
  const [targetHost = '127.0.0.1', targetPort = '0'] = target.split(':');
  const sockets = new Set<Socket>();
  let isCut = false;
  const server: Server = createServer((client) => {
    if (isCut) return client.destroy();
    const upstream = connect(Number(targetPort), targetHost);
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (chunk: Buffer) => {
      if (cutWhen?.(chunk)) return proxy.cut();
      upstream.write(chunk);
    });
    upstream.pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', drop).on('error', drop);
    upstream.on('close', drop).on('error', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const proxy: CuttableProxy = {
    host: `127.0.0.1:${port}`,
    cut() {
      isCut = true;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        proxy.cut();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
