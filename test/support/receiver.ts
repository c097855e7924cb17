import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tenant's webhook receiver on 127.0.0.1 for tests: records every request and answers each path
 * the way the test scripts it (status sequences, delays, or never).
 */

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly receivedAt: number;
}

export type Behaviour = (request: ReceivedRequest, index: number, response: ServerResponse) => void;

export interface Receiver {
  readonly baseUrl: string;
  readonly requests: ReceivedRequest[];
  on(path: string, behaviour: Behaviour): void;
  requestsTo(path: string): ReceivedRequest[];
  close(): Promise<void>;
}

export const respond =
  (...statuses: number[]): Behaviour =>
  (_request, index, response) => {
    const status = statuses[Math.min(index, statuses.length - 1)] ?? 200;
    response.writeHead(status, { 'content-type': 'text/plain' }).end(`status ${status}`);
  };

/** Never answers: the sender's timeout has to end the attempt. */
export const hang: Behaviour = () => undefined;

export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const behaviours = new Map<string, Behaviour>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      const received = {
        path,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
      };
      const index = requests.filter((earlier) => earlier.path === path).length;
      requests.push(received);
      (behaviours.get(path) ?? respond(200))(received, index, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    on: (path, behaviour) => void behaviours.set(path, behaviour),
    requestsTo: (path) => requests.filter((request) => request.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
