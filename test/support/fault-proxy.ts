import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback proxy in front of an emulator or simulator for the lean AWS clients' cross-tests: it
 * forwards every request unless a fault is queued, in which case it answers that fault instead (the
 * emulators never throttle or fail). It records each request's `x-amz-target`.
 */

export interface Fault {
  readonly status: number;
  /** The error's `__type`, as the service sends it (`com.amazonaws.dynamodb.v20120810#…`). */
  readonly type: string;
  readonly message: string;
}

export interface FaultProxy {
  readonly endpoint: string;
  /** Answers to give instead of forwarding, one per request, in order. */
  readonly faults: Fault[];
  readonly targets: string[];
  close(): Promise<void>;
}

export async function startFaultProxy(upstream: string, contentType: string): Promise<FaultProxy> {
  const faults: Fault[] = [];
  const targets: string[] = [];
  const { port } = new URL(upstream);
  const server: Server = createServer((incoming, outgoing) => {
    targets.push(String(incoming.headers['x-amz-target']));
    const fault = faults.shift();
    if (fault) {
      incoming.resume();
      outgoing.writeHead(fault.status, { 'content-type': contentType });
      outgoing.end(JSON.stringify({ __type: fault.type, message: fault.message }));
      return;
    }
    const forward = httpRequest(
      { host: '127.0.0.1', port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    faults,
    targets,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
