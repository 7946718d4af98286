// Peers that misbehave on purpose, on 127.0.0.1: one that accepts TCP connections and never
// answers, and an HTTP server whose every answer is chosen by the test (garbage JSON, bad headers).
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface Peer {
  /** host:port */
  host: string;
  port: number;
  /** Connections accepted so far. */
  connections: () => number;
  close: () => Promise<void>;
}

/** A TCP server that accepts every connection and never writes a byte. */
export async function startSilentPeer(): Promise<Peer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    port,
    connections: () => accepted,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An HTTP server answering every request with `answer` (status, headers, body). */
export async function startGarbagePeer(
  answer: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<Peer & { requests: string[] }> {
  const requests: string[] = [];
  let accepted = 0;
  const server = createHttpServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    answer(req, res);
  });
  server.on('connection', () => accepted++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    port,
    requests,
    connections: () => accepted,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
