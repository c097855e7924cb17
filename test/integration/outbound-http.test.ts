import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Resolver } from '../../shared/outbound/transport/dial-target';
import { postWebhook, type DeliveryResult, type WebhookPost } from '../../shared/outbound/transport/http-delivery';
import { ipPolicyFrom, STRICT_IP_POLICY } from '../../shared/outbound/transport/ip-policy';

/**
 * The outbound client against real local servers. The network here is closed, and the test must
 * never dial anything but loopback anyway: a guard on net.Socket#connect records every dial and
 * throws for any other address, so "refused before connecting" is observed, not assumed.
 */

const LOOPBACK = ipPolicyFrom('127.0.0.0/8');
const PAYLOAD = JSON.stringify({ type: 'product.updated', data: { id: 'prod_1' } });

/** Test-only self-signed certificate for ok.example (EC P-256, valid to 2126). */
const TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgb8fxMhWTw7DRnq+2
5rmsV8yHg0zdNCpfMeUoHDXPKkuhRANCAATZLRVXprczVnZ3uKMewHjCM5D7iTsF
0CxqM8hKLApTGKDFrSbAq4fOTXJjMwDhvN9oF8y+LmbAzaghEXio1ktm
-----END PRIVATE KEY-----`;
const TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBmDCCAT6gAwIBAgIUPqkamEW0cW4qqK2FGxBc8LDYpMowCgYIKoZIzj0EAwIw
FTETMBEGA1UEAwwKb2suZXhhbXBsZTAgFw0yNjExMjgwMTEzMjNaGA8yMTI2MTEw
NDAxMTMyM1owFTETMBEGA1UEAwwKb2suZXhhbXBsZTBZMBMGByqGSM49AgEGCCqG
SM49AwEHA0IABNktFVemtzNWdne4ox7AeMIzkPuJOwXQLGozyEosClMYoMWtJsCr
h85NcmMzAOG832gXzL4uZsDNqCEReKjWS2ajajBoMB0GA1UdDgQWBBTnVwS7vlUf
U7tePozOIBiYi72M/DAfBgNVHSMEGDAWgBTnVwS7vlUfU7tePozOIBiYi72M/DAP
BgNVHRMBAf8EBTADAQH/MBUGA1UdEQQOMAyCCm9rLmV4YW1wbGUwCgYIKoZIzj0E
AwIDSAAwRQIgNFYVoBXgQ8yeH2AM3dWSi7TrdnwGxSVV3Lr2+HEd5LQCIQCkI6Qj
2WT90/c/yT+hP7Q7hYBwUB5yLvhkbW9tMqcIkQ==
-----END CERTIFICATE-----`;

interface Received {
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A receiver with one route per behaviour, counting connections and requests. */
function startReceiver() {
  const received: Received[] = [];
  const stats = { connections: 0 };
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method,
        path: request.url,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      switch (request.url) {
        case '/ok':
          response.writeHead(200, { 'content-type': 'text/plain', 'x-receiver': 'test' }).end('accepted ✓');
          return;
        case '/redirect':
          response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
          return;
        case '/hang':
          return; // never answers
        case '/huge':
          response.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(1024 * 1024));
          return;
        case '/endless': {
          response.writeHead(200, { 'content-type': 'text/plain' });
          const timer = setInterval(() => response.write('y'.repeat(1024)), 2);
          timers.add(timer);
          response.on('close', () => clearInterval(timer));
          return;
        }
        case '/slow-body':
          response.writeHead(200, { 'content-type': 'text/plain' });
          response.write('partial');
          return; // the rest never comes
        case '/reset':
          request.socket.destroy();
          return;
        default:
          response.writeHead(404).end();
      }
    });
  });
  server.on('connection', () => (stats.connections += 1));
  return {
    received,
    stats,
    server,
    close: () => {
      for (const timer of timers) clearInterval(timer);
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A resolver that answers from a table and records what it was asked. */
function resolverFor(answers: Record<string, string[]>) {
  return vi.fn<Resolver>(async (hostname) => {
    const found = answers[hostname];
    if (!found) throw Object.assign(new Error(`test resolver: no entry for ${hostname}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: net.isIP(address) }));
  });
}

let receiver: ReturnType<typeof startReceiver>;
let port: number;
let dialled: string[];

beforeAll(async () => {
  receiver = startReceiver();
  port = await listen(receiver.server);
});

afterAll(() => receiver.close());

beforeEach(() => {
  dialled = [];
  const originalConnect = net.Socket.prototype.connect;
  vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: net.Socket, ...args: unknown[]) {
    // net.createConnection passes its normalised [options, callback] pair; tls.connect passes options.
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    const host = typeof first === 'object' && first !== null && 'host' in first ? String(first.host) : String(args[1]);
    dialled.push(host);
    if (host !== '127.0.0.1') throw new Error(`test guard: refusing to dial ${host}`);
    return (originalConnect as (...connectArgs: unknown[]) => net.Socket).apply(this, args);
  } as typeof originalConnect);
});

afterEach(() => {
  vi.restoreAllMocks();
});

function post(overrides: Partial<WebhookPost> & Pick<WebhookPost, 'url'>): Promise<DeliveryResult> {
  return postWebhook({
    headers: { 'content-type': 'application/json' },
    body: PAYLOAD,
    policy: LOOPBACK,
    timeoutMs: 2_000,
    ...overrides,
  });
}

/** Runs `act` and reports how many new connections and requests the receiver saw meanwhile. */
async function observed<T>(act: () => Promise<T>) {
  const connectionsBefore = receiver.stats.connections;
  const requestsBefore = receiver.received.length;
  const result = await act();
  await new Promise((resolve) => setTimeout(resolve, 20)); // let a stray connection surface
  return {
    result,
    connections: receiver.stats.connections - connectionsBefore,
    requests: receiver.received.length - requestsBefore,
  };
}

describe('Function: postWebhook', () => {
  describe('with loopback allowlisted', () => {
    it('POSTs the body and returns the status, headers and an excerpt of the answer', async () => {
      const { result, requests } = await observed(() =>
        post({
          url: `http://127.0.0.1:${port}/ok`,
          headers: { 'Content-Type': 'application/json', Host: 'evil.example', 'Content-Length': '1' },
        }),
      );
      expect(result).toEqual({
        kind: 'response',
        status: 200,
        headers: expect.objectContaining({ 'content-type': 'text/plain', 'x-receiver': 'test' }),
        bodyExcerpt: 'accepted ✓',
        bodyTruncated: false,
        durationMs: expect.any(Number),
      });
      expect(requests).toBe(1);
      const last = receiver.received.at(-1);
      expect(last).toMatchObject({ method: 'POST', path: '/ok', body: PAYLOAD });
      expect(last?.headers).toMatchObject({
        host: `127.0.0.1:${port}`,
        'content-length': String(Buffer.byteLength(PAYLOAD)),
        'content-type': 'application/json',
      });
    });

    it('reuses a kept-alive connection for the same checked address', async () => {
      await post({ url: `http://127.0.0.1:${port}/ok` });
      const { result, connections } = await observed(() => post({ url: `http://127.0.0.1:${port}/ok` }));
      expect(result).toMatchObject({ kind: 'response', status: 200 });
      expect(connections).toBe(0);
    });

    it('returns a redirect as a response and never follows it', async () => {
      const resolver = resolverFor({ 'ok.example': ['127.0.0.1'] });
      const { result, requests } = await observed(() => post({ url: `http://ok.example:${port}/redirect`, resolver }));
      expect(result).toMatchObject({
        kind: 'response',
        status: 302,
        headers: { location: 'http://169.254.169.254/latest/meta-data/' },
      });
      expect(requests).toBe(1);
      expect(resolver.mock.calls).toEqual([['ok.example']]);
      expect(dialled.filter((host) => host !== '127.0.0.1')).toEqual([]);
    });

    it('gives up with timeout when the receiver never answers', async () => {
      const result = await post({ url: `http://127.0.0.1:${port}/hang`, timeoutMs: 300 });
      expect(result).toMatchObject({ kind: 'error', error: 'timeout', message: 'No response within 300 ms' });
      expect(result.durationMs).toBeGreaterThanOrEqual(295);
      expect(result.durationMs).toBeLessThan(1_000);
    });

    it('returns the answer with what arrived of the body when the deadline passes mid-body', async () => {
      const result = await post({ url: `http://127.0.0.1:${port}/slow-body`, timeoutMs: 300 });
      expect(result).toMatchObject({ kind: 'response', status: 200, bodyExcerpt: 'partial', bodyTruncated: true });
      expect(result.durationMs).toBeGreaterThanOrEqual(295);
    });

    it('reads at most 8 KiB of a 1 MB answer', async () => {
      const result = await post({ url: `http://127.0.0.1:${port}/huge` });
      expect(result).toMatchObject({ kind: 'response', status: 200, bodyTruncated: true });
      expect(result.kind === 'response' && result.bodyExcerpt).toBe('x'.repeat(8_192));
    });

    it('stops reading an endless answer at the cap instead of waiting for its end', async () => {
      const result = await post({ url: `http://127.0.0.1:${port}/endless`, maxResponseBytes: 3_000, timeoutMs: 5_000 });
      expect(result).toMatchObject({
        kind: 'response',
        status: 200,
        bodyTruncated: true,
        bodyExcerpt: 'y'.repeat(3_000),
      });
      expect(result.durationMs).toBeLessThan(1_000);
    });

    it('reports a closed port as connection_refused', async () => {
      const closed = net.createServer();
      const closedPort = await listen(closed);
      await new Promise((resolve) => closed.close(resolve));
      const result = await post({ url: `http://127.0.0.1:${closedPort}/ok` });
      expect(result).toMatchObject({ kind: 'error', error: 'connection_refused' });
    });

    it('reports a dropped connection as connection_reset', async () => {
      const result = await post({ url: `http://127.0.0.1:${port}/reset` });
      expect(result).toMatchObject({ kind: 'error', error: 'connection_reset' });
    });

    it('dials the address the injected resolver gave, keeping the name in the Host header', async () => {
      const resolver = resolverFor({ 'ok.example': ['127.0.0.1'] });
      const { result, requests } = await observed(() => post({ url: `http://ok.example:${port}/ok`, resolver }));
      expect(result).toMatchObject({ kind: 'response', status: 200 });
      expect(requests).toBe(1);
      expect(receiver.received.at(-1)?.headers.host).toBe(`ok.example:${port}`);
      expect(resolver).toHaveBeenCalledWith('ok.example');
    });

    it('reports an unparseable URL as invalid_url', async () => {
      expect(await post({ url: 'not a url' })).toMatchObject({ kind: 'error', error: 'invalid_url' });
      expect(await post({ url: `ftp://127.0.0.1:${port}/` })).toMatchObject({ kind: 'error', error: 'invalid_url' });
    });

    it('reports a name that does not resolve as dns_failure', async () => {
      const result = await post({ url: 'https://missing.example/', resolver: resolverFor({}) });
      expect(result).toMatchObject({ kind: 'error', error: 'dns_failure' });
      expect(dialled).toEqual([]);
    });
  });

  describe('without an allowlist', () => {
    it('refuses loopback before connecting', async () => {
      const { result, connections, requests } = await observed(() =>
        post({ url: `http://127.0.0.1:${port}/ok`, policy: STRICT_IP_POLICY }),
      );
      expect(result).toMatchObject({
        kind: 'error',
        error: 'ssrf_blocked',
        message: expect.stringContaining('127.0.0.0/8 (loopback)'),
      });
      expect({ connections, requests, dialled }).toEqual({ connections: 0, requests: 0, dialled: [] });
    });

    it('refuses a name that resolves to loopback (DNS rebinding) before connecting', async () => {
      const resolver = resolverFor({ 'rebind.example': ['127.0.0.1'] });
      const { result, connections } = await observed(() =>
        post({ url: `http://rebind.example:${port}/ok`, policy: STRICT_IP_POLICY, resolver }),
      );
      expect(result).toMatchObject({
        kind: 'error',
        error: 'ssrf_blocked',
        message: expect.stringContaining('rebind.example'),
      });
      expect({ connections, dialled }).toEqual({ connections: 0, dialled: [] });
    });

    it('refuses a name if any of its addresses is blocked, without dialling the global one', async () => {
      const resolver = resolverFor({ 'mixed.example': ['8.8.8.8', '10.0.0.1'] });
      const result = await post({ url: 'https://mixed.example/', policy: STRICT_IP_POLICY, resolver });
      expect(result).toMatchObject({
        kind: 'error',
        error: 'ssrf_blocked',
        message: expect.stringContaining('10.0.0.1'),
      });
      expect(dialled).toEqual([]);
    });

    it('refuses IPv6 and mapped spellings of loopback', async () => {
      for (const host of ['[::1]', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]']) {
        const result = await post({ url: `http://${host}:${port}/ok`, policy: STRICT_IP_POLICY });
        expect(result).toMatchObject({ kind: 'error', error: 'ssrf_blocked' });
      }
      expect(dialled).toEqual([]);
    });
  });

  describe('over TLS', () => {
    let tlsServer: https.Server;
    let tlsPort: number;
    const serverNames: string[] = [];

    beforeAll(async () => {
      const context = tls.createSecureContext({ key: TLS_KEY, cert: TLS_CERT });
      tlsServer = https.createServer(
        {
          key: TLS_KEY,
          cert: TLS_CERT,
          SNICallback: (name, callback) => {
            serverNames.push(name);
            callback(null, context);
          },
        },
        (_request, response) => response.end('ok'),
      );
      tlsPort = await listen(tlsServer);
    });

    afterAll(() => new Promise<void>((resolve) => tlsServer.close(() => resolve())));

    it('sends the host name as SNI while dialling the checked IP, and verifies the certificate', async () => {
      const resolver = resolverFor({ 'ok.example': ['127.0.0.1'] });
      const result = await post({ url: `https://ok.example:${tlsPort}/`, resolver });
      expect(result).toMatchObject({
        kind: 'error',
        error: 'tls_error',
        message: expect.stringContaining('self-signed'),
      });
      expect(serverNames).toEqual(['ok.example']);
      expect(dialled).toEqual(['127.0.0.1']);
    });
  });
});
