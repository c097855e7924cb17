import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLocalToken } from '../../infra/local/jwt';
import { DEV_INTERNAL_API_TOKEN, DEV_JWT_SECRET, DEV_STRIPE_WEBHOOK_SECRET } from '../../infra/local/settings';
import { inboundEventId } from '../../shared/inbound/log/inbound-event';
import { eventually } from '../support/local-system';
import { respond, startReceiver, type Receiver } from '../support/receiver';
import { stripeEventPayload } from '../support/stripe-payloads';
import Stripe from 'stripe';

/**
 * Nothing lost on a laptop: `npm start` (infra/local/start.ts in a child process, data on disk) is
 * killed with SIGKILL while a Stripe webhook it answered 200 is still being processed and while a
 * delivery retry is scheduled seconds ahead; started again on the same data directory, the webhook
 * is applied and the retry happens when it was due.
 */

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const RETRY_DELAY_MS = 8_000;
const stripe = new Stripe('sk_test_unused');

interface Runtime {
  readonly child: ChildProcess;
  readonly url: string;
}

function startRuntime(dataDir: string, env: Record<string, string>): Promise<Runtime> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'infra/local/start.ts', '--port', '0', '--data-dir', dataDir],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'WARN', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The local runtime did not start:\n${output}`)), 90_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /^API\s+(http:\/\/127\.0\.0\.1:\d+)/m.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]! });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The local runtime exited (${code}) before it was ready:\n${output}`));
    });
  });
}

async function kill(runtime: Runtime | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!runtime || runtime.child.exitCode !== null || runtime.child.signalCode !== null) return;
  const exited = new Promise((resolve) => runtime.child.once('exit', resolve));
  runtime.child.kill(signal);
  await exited;
}

describe('Integration: the local runtime loses nothing when killed', () => {
  let dataDir: string;
  let receiver: Receiver;
  /** Stands in for api.stripe.com in the first run and never answers: the billing consumer is mid-event. */
  let stalledStripe: Server;
  let stripeCalls = 0;
  let first: Runtime | undefined;
  let second: Runtime | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'local-restart-'));
    receiver = await startReceiver();
    receiver.on('/hook', respond(500, 200));
    stalledStripe = createServer(() => {
      stripeCalls += 1;
    });
    await new Promise<void>((resolve) => stalledStripe.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await kill(first, 'SIGKILL');
    await kill(second, 'SIGTERM');
    stalledStripe?.closeAllConnections();
    await new Promise((resolve) => stalledStripe?.close(resolve));
    await receiver?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function call(runtime: Runtime, method: string, path: string, bearer: string, body?: unknown) {
    const response = await fetch(`${runtime.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('applies a webhook answered 200 and makes a scheduled retry after SIGKILL and a restart', async () => {
    const orgId = 'org_restart';
    const admin = await signLocalToken(DEV_JWT_SECRET, { orgId, role: 'admin' });
    first = await startRuntime(dataDir, {
      STRIPE_API_KEY: 'sk_test_stalled',
      STRIPE_API_BASE_URL: `http://127.0.0.1:${(stalledStripe.address() as AddressInfo).port}`,
      DELIVERY_RETRY_SCHEDULE: `${RETRY_DELAY_MS / 1000}s,${RETRY_DELAY_MS / 1000}s`,
    });

    // A delivery whose first attempt fails: its retry is scheduled RETRY_DELAY_MS ahead.
    const endpoint = await call(first, 'POST', `/v1/orgs/${orgId}/webhooks/endpoints`, admin, {
      url: `${receiver.baseUrl}/hook`,
      eventTypes: ['*'],
    });
    expect(endpoint.status).toBe(201);
    const published = await call(first, 'POST', '/internal/events', DEV_INTERNAL_API_TOKEN, {
      id: 'evt_restart_1',
      type: 'webhook.test',
      orgId,
      occurredAt: new Date().toISOString(),
      data: { message: 'survives a restart' },
    });
    expect(published.status).toBe(202);
    await eventually(async () => (receiver.requestsTo('/hook').length === 1 ? true : undefined), { timeoutMs: 30_000 });

    // A Stripe webhook answered 200 whose processing is under way (waiting on the stalled Stripe API);
    // for another organisation, so the subscription.updated it publishes is not delivered to this endpoint.
    const billingOrgId = 'org_restart_billing';
    const event = stripeEventPayload('customer.subscription.created', {
      orgId: billingOrgId,
      plan: 'growth',
      created: 1_795_000_000,
    });
    const signature = stripe.webhooks.generateTestHeaderString({
      payload: event.payload,
      secret: DEV_STRIPE_WEBHOOK_SECRET,
    });
    const answer = await fetch(`${first.url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: event.payload,
    });
    expect(answer.status).toBe(200);
    await eventually(async () => (stripeCalls > 0 ? true : undefined), { timeoutMs: 30_000 });
    await kill(first, 'SIGKILL');
    expect(receiver.requestsTo('/hook')).toHaveLength(1);

    second = await startRuntime(dataDir, {
      DELIVERY_RETRY_SCHEDULE: `${RETRY_DELAY_MS / 1000}s,${RETRY_DELAY_MS / 1000}s`,
    });
    const member = await signLocalToken(DEV_JWT_SECRET, { orgId: billingOrgId, role: 'member' });
    const billing = await eventually(
      async () => {
        const record = await call(second!, 'GET', `/v1/orgs/${billingOrgId}/billing`, member);
        return record.status === 200 ? record.body : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(billing.plan).toBe('growth');
    // The consumer records the event's outcome in the log just after applying it: wait for that write too.
    const logged = await eventually(async () => {
      const entry = await call(
        second!,
        'GET',
        `/v1/orgs/${billingOrgId}/inbound/events/${inboundEventId('stripe', event.id)}`,
        member,
      );
      return entry.status === 200 && entry.body.status === 'applied' ? entry.body : undefined;
    });
    expect(logged).toMatchObject({ status: 'applied', receiveCount: 1 });

    const [attempt, retry] = await eventually(
      async () => {
        const requests = receiver.requestsTo('/hook');
        return requests.length >= 2 ? requests : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(retry!.receivedAt - attempt!.receivedAt).toBeGreaterThanOrEqual(RETRY_DELAY_MS - 1_000);
    expect(retry!.headers['webhook-id']).toBe(attempt!.headers['webhook-id']);
  }, 240_000);
});
