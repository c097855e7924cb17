import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveUntilStdinCloses } from './processes';

/**
 * A tenant's webhook receiver for the delivery benchmark, in its own process on 127.0.0.1: reads
 * the whole body and answers 204 at once, keeping connections alive. It does not verify signatures
 * (the delivery tests do); it only has to be the same fast receiver for our sender and the floor.
 */
const server = createServer((request, response) => {
  request.on('data', () => undefined);
  request.on('end', () => response.writeHead(204).end());
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  serveUntilStdinCloses({ baseUrl: `http://127.0.0.1:${port}` }, async () => {
    server.closeAllConnections();
    server.close();
  });
});
