import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A provider, webhook receiver or CRM double on loopback: records what it gets, answers as told. */
export interface StubServer {
  url: string;
  port: number;
  /** TCP connections accepted (a refused request must leave this at 0). */
  connections: number;
  requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
  /** How it answers; tests replace it. */
  handle: (req: IncomingMessage, res: ServerResponse, body: string) => void;
  close(): Promise<void>;
}

export async function startStubServer(host = '127.0.0.1', handle: StubServer['handle'] = (_req, res) => res.end('ok')): Promise<StubServer> {
  const stub: StubServer = {
    url: '',
    port: 0,
    connections: 0,
    requests: [],
    handle,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      stub.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      stub.handle(req, res, body);
    });
  });
  server.on('connection', () => {
    stub.connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  stub.port = (server.address() as AddressInfo).port;
  stub.url = `http://${host}:${stub.port}`;
  return stub;
}
