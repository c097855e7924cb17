import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signLocalToken } from '../infra/local/jwt';
import { startLocalSystem, type LocalSystem } from '../infra/local/system';
import { inParallel } from './lib/parallel';
import { SETTINGS } from './lib/settings';
import { busiestWindow, percentile, round } from './lib/stats';
import { pause, progress, runWorker } from './lib/worker';

/**
 * Benchmark 8, fair delivery, on `startLocalSystem` (memory, quiet) with the default attempt timeout:
 * - tarpit: organisation A has N endpoints that accept the connection and never answer and E events
 *   fanned out to them; once A's deliveries are queued, organisation B publishes 50 events to one
 *   endpoint answering in 10 ms. Reports B's publish → delivery p50/p95, A's requests in flight at
 *   the receiver over time, and how many of A's circuits opened.
 * - rate limit: one endpoint limited to 20/s receives 1,000 events published at once by 8 concurrent
 *   publishers. Reports the receiver's busiest 10 s window and the total time.
 */

export interface FairnessResult {
  readonly tarpit: {
    readonly endpoints: number;
    readonly events: number;
    readonly queueSeconds: number;
    readonly b: { readonly p50: number; readonly p95: number; readonly max: number };
    /** Seconds since A began publishing → A's requests open at the receiver (B publishes at queueSeconds). */
    readonly aInFlight: readonly (readonly [number, number])[];
    readonly circuitsOpen: number;
  };
  readonly rateLimit: {
    readonly limitPerSecond: number;
    readonly events: number;
    readonly busiest10s: number;
    readonly totalSeconds: number;
  };
}

/** The scale (50 × 2,000 = 100,000 deliveries); BENCH_TARPITS / BENCH_TARPIT_EVENTS scale it down. */
const TARPITS = Number(process.env.BENCH_TARPITS ?? (SETTINGS.quick ? 10 : 50));
const TARPIT_EVENTS = Number(process.env.BENCH_TARPIT_EVENTS ?? (SETTINGS.quick ? 100 : 2_000));
const B_EVENTS = 50;
const LIMIT = 20;
const LIMITED_EVENTS = SETTINGS.quick ? 200 : 1_000;

interface Receiver {
  readonly baseUrl: string;
  readonly open: { count: number };
  readonly arrivals: Map<string, number[]>;
  /** When each message id (webhook-id) first arrived at an answering path. */
  readonly firstById: Map<string, number>;
  close(): Promise<void>;
}

/** Tarpit paths never answer; everything else answers 200 after 10 ms. Records arrival times per path. */
async function startReceiver(): Promise<Receiver> {
  const open = { count: 0 };
  const arrivals = new Map<string, number[]>();
  const firstById = new Map<string, number>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '/';
    request.resume();
    request.on('end', () => {
      const at = Date.now();
      arrivals.set(path, [...(arrivals.get(path) ?? []), at]);
      if (path.startsWith('/tarpit')) {
        open.count++;
        request.socket.on('close', () => open.count--);
        return;
      }
      const messageId = String(request.headers['webhook-id']);
      if (!firstById.has(messageId)) firstById.set(messageId, at);
      setTimeout(() => response.writeHead(200).end('ok'), 10);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    open,
    arrivals,
    firstById,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function api(system: LocalSystem, method: string, path: string, bearer: string, body?: unknown) {
  const response = await fetch(`${system.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function publish(system: LocalSystem, orgId: string, n: number): Promise<string> {
  const answer = await api(system, 'POST', '/internal/events', system.env.INTERNAL_API_TOKEN!, {
    id: `evt_${orgId}_${n}`,
    type: 'webhook.test',
    orgId,
    occurredAt: new Date().toISOString(),
    data: { message: `event ${n}` },
  });
  return String(answer.messageId);
}

async function waitForQueueDrained(system: LocalSystem, queueUrl: string): Promise<void> {
  const sqs = new SQSClient({
    endpoint: system.sqsEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  for (;;) {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    if (
      Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible) ===
      0
    )
      return;
    await pause(250);
  }
}

async function endpoint(system: LocalSystem, orgId: string, url: string, extra: Record<string, unknown> = {}) {
  const admin = await signLocalToken(system.jwtSecret, { orgId, role: 'admin' });
  return String(
    (await api(system, 'POST', `/v1/orgs/${orgId}/webhooks/endpoints`, admin, { url, eventTypes: ['*'], ...extra })).id,
  );
}

async function tarpitScenario(system: LocalSystem, receiver: Receiver): Promise<FairnessResult['tarpit']> {
  const tarpits = await inParallel(TARPITS, 5, (n) =>
    endpoint(system, 'org_bench_a', `${receiver.baseUrl}/tarpit-${n}`),
  );
  await endpoint(system, 'org_bench_b', `${receiver.baseUrl}/fast`);
  const queueStarted = performance.now();
  const aStarted = Date.now();
  const aInFlight: [number, number][] = [];
  // From A's first event: its first round of requests and the circuits opening happen while it fans out.
  const sampler = setInterval(
    () => aInFlight.push([Math.round((Date.now() - aStarted) / 1000), receiver.open.count]),
    1000,
  );
  await inParallel(TARPIT_EVENTS, 16, (n) => publish(system, 'org_bench_a', n));
  progress(aStarted, `A published ${TARPIT_EVENTS} events to ${TARPITS} tarpits; waiting for fan-out`);
  await waitForQueueDrained(system, system.queueUrls.events.url);
  const queueSeconds = round((performance.now() - queueStarted) / 1000);
  progress(aStarted, `A's ${TARPITS * TARPIT_EVENTS} deliveries queued; B publishes`);

  const publishedAt = new Map<string, number>();
  const bStarted = Date.now();
  await inParallel(B_EVENTS, 5, async (n) => {
    const at = Date.now();
    publishedAt.set(await publish(system, 'org_bench_b', n), at);
  });
  const deadline = Date.now() + 120_000;
  while ((receiver.arrivals.get('/fast')?.length ?? 0) < B_EVENTS && Date.now() < deadline) await pause(100);
  progress(aStarted, `B delivered ${receiver.arrivals.get('/fast')?.length ?? 0} of ${B_EVENTS}`);
  const latencies = [...publishedAt].flatMap(([messageId, at]) => {
    const arrived = receiver.firstById.get(messageId);
    return arrived === undefined ? [] : [arrived - at];
  });
  // Long enough for late circuits to open (first tries time out after 2.5 s, probes after 15 s).
  while (Date.now() - bStarted < 25_000) await pause(500);
  clearInterval(sampler);
  const member = await signLocalToken(system.jwtSecret, { orgId: 'org_bench_a', role: 'member' });
  const states = await inParallel(tarpits.length, 5, async (n) =>
    String(
      (
        (await api(system, 'GET', `/v1/orgs/org_bench_a/webhooks/endpoints/${tarpits[n]}/stats`, member)).state as {
          status?: string;
        }
      )?.status,
    ),
  );
  return {
    endpoints: TARPITS,
    events: TARPIT_EVENTS,
    queueSeconds,
    b: {
      p50: round(percentile(latencies, 50)),
      p95: round(percentile(latencies, 95)),
      max: round(Math.max(...latencies)),
    },
    aInFlight,
    circuitsOpen: states.filter((state) => state === 'circuit_open').length,
  };
}

async function rateLimitScenario(system: LocalSystem, receiver: Receiver): Promise<FairnessResult['rateLimit']> {
  await endpoint(system, 'org_bench_rate', `${receiver.baseUrl}/limited`, { rateLimitPerSecond: LIMIT });
  const started = Date.now();
  await inParallel(LIMITED_EVENTS, 8, (n) => publish(system, 'org_bench_rate', n));
  progress(started, `${LIMITED_EVENTS} events published to the endpoint limited to ${LIMIT}/s`);
  const deadline = Date.now() + 600_000;
  const reporter = setInterval(
    () => progress(started, `${receiver.arrivals.get('/limited')?.length ?? 0} limited deliveries arrived`),
    10_000,
  );
  while ((receiver.arrivals.get('/limited')?.length ?? 0) < LIMITED_EVENTS && Date.now() < deadline) await pause(250);
  clearInterval(reporter);
  const times = receiver.arrivals.get('/limited') ?? [];
  if (times.length < LIMITED_EVENTS)
    throw new Error(`Only ${times.length} of ${LIMITED_EVENTS} limited deliveries arrived`);
  return {
    limitPerSecond: LIMIT,
    events: LIMITED_EVENTS,
    busiest10s: busiestWindow(times, 10_000),
    totalSeconds: round((Math.max(...times) - started) / 1000),
  };
}

runWorker(async (): Promise<FairnessResult> => {
  const receiver = await startReceiver();
  const system = await startLocalSystem({ port: 0, memory: true, quiet: true });
  try {
    const tarpit = await tarpitScenario(system, receiver);
    const rateLimit = await rateLimitScenario(system, receiver);
    return { tarpit, rateLimit };
  } finally {
    await receiver.close();
    await system.stop();
  }
});
