import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import Stripe from 'stripe';
import { signLocalToken, type LocalRole } from '../../infra/local/jwt';
import { afterAll, beforeAll } from 'vitest';
import { startLocalSystem, type LocalSystem, type LocalSystemOptions } from '../../infra/local/system';
import { startReceiver, type Receiver } from './receiver';

/** Helpers for integration tests that drive the local runtime over real HTTP. */

const stripe = new Stripe('sk_test_unused');

export async function postStripe(
  system: LocalSystem,
  payload: string,
  options: { secret?: string; timestamp?: number; signature?: string | null } = {},
): Promise<{ status: number; body: unknown }> {
  const signature =
    options.signature === undefined
      ? stripe.webhooks.generateTestHeaderString({
          payload,
          secret: options.secret ?? system.stripeWebhookSecrets[0]!,
          ...(options.timestamp !== undefined && { timestamp: options.timestamp }),
        })
      : options.signature;
  const response = await fetch(`${system.url}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature !== null && { 'stripe-signature': signature }) },
    body: payload,
  });
  return { status: response.status, body: await response.json() };
}

export async function token(system: LocalSystem, orgId: string, role: LocalRole = 'admin'): Promise<string> {
  return signLocalToken(system.jwtSecret, { orgId, role });
}

export async function getJson(
  system: LocalSystem,
  path: string,
  bearer?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${system.url}${path}`, {
    headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Polls until `probe` returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  { timeoutMs = 15_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`Condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
}

export function sqsClient(system: LocalSystem): SQSClient {
  return new SQSClient({
    endpoint: system.sqsEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

export async function receiveAll(system: LocalSystem, queueUrl: string): Promise<{ body: string }[]> {
  const result = await sqsClient(system).send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  return (result.Messages ?? []).map((message) => ({ body: message.Body ?? '' }));
}

export type ApiBody = Record<string, unknown> & { items?: Record<string, unknown>[] };

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly contentType: string | null;
  readonly text: string;
  readonly body: ApiBody;
}

/** One call to the local system's API: a JSON body in (a string is sent as is), the answer parsed. */
export async function callApi(
  system: LocalSystem,
  method: string,
  path: string,
  options: { bearer?: string; body?: unknown } = {},
): Promise<ApiAnswer> {
  const response = await fetch(`${system.url}${path}`, {
    method,
    headers: {
      ...(options.bearer && { authorization: `Bearer ${options.bearer}` }),
      ...(options.body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(options.body !== undefined && {
      body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    contentType: response.headers.get('content-type'),
    text,
    body: (text ? JSON.parse(text) : undefined) as ApiBody,
  };
}

/**
 * The outbound tests' set-up: a loopback receiver for deliveries and a throwaway local system
 * (memory, quiet, port 0) with compressed retries; `env` adds or overrides settings, `options` the
 * system's own (visibility timeout, schedule timers).
 */
export async function startSystemWithReceiver(
  env: Record<string, string> = {},
  options: Pick<LocalSystemOptions, 'visibilityTimeoutSeconds' | 'scheduleTimers'> = {},
): Promise<SystemWithReceiver> {
  const receiver = await startReceiver();
  const system = await startLocalSystem({
    port: 0,
    memory: true,
    quiet: true,
    ...options,
    env: { DELIVERY_RETRY_SCHEDULE: '1s,1s', DELIVERY_TIMEOUT_MS: '1500', ENDPOINT_DISABLE_AFTER: '1h', ...env },
  });
  return { system, receiver };
}

export interface SystemWithReceiver {
  readonly system: LocalSystem;
  readonly receiver: Receiver;
}

/**
 * A test file's world: `startSystemWithReceiver` before its tests, both stopped after them. Read
 * `world.system` and `world.receiver` inside tests (they are set once `beforeAll` has run).
 */
export function useSystemWithReceiver(
  env: Record<string, string> = {},
  options: Parameters<typeof startSystemWithReceiver>[1] = {},
): SystemWithReceiver {
  const world = {} as { system: LocalSystem; receiver: Receiver };
  beforeAll(async () => {
    Object.assign(world, await startSystemWithReceiver(env, options));
  });
  afterAll(async () => {
    await world.system?.stop();
    await world.receiver?.close();
  });
  return world;
}

/** Creates an endpoint of `orgId` (as its admin) delivering to `path` on the world's receiver. */
export async function createEndpoint(
  world: SystemWithReceiver,
  orgId: string,
  path: string,
  options: { eventTypes?: string[]; rateLimitPerSecond?: number } = {},
): Promise<{ id: string; secret: string; url: string }> {
  const created = await callApi(world.system, 'POST', `/v1/orgs/${orgId}/webhooks/endpoints`, {
    bearer: await token(world.system, orgId, 'admin'),
    body: { url: `${world.receiver.baseUrl}${path}`, eventTypes: options.eventTypes ?? ['*'], ...options },
  });
  if (created.status !== 201) throw new Error(`Creating an endpoint answered ${created.status}: ${created.text}`);
  return created.body as { id: string; secret: string; url: string };
}

/** Publishes a platform event for `orgId` through POST /internal/events, as another service would. */
export async function publishEvent(
  system: LocalSystem,
  orgId: string,
  event: { id: string; type?: string; data?: unknown },
): Promise<{ id: string; messageId: string }> {
  const response = await callApi(system, 'POST', '/internal/events', {
    bearer: system.env.INTERNAL_API_TOKEN,
    body: {
      id: event.id,
      type: event.type ?? 'webhook.test',
      orgId,
      occurredAt: new Date().toISOString(),
      data: event.data ?? { message: 'hello' },
    },
  });
  if (response.status !== 202) throw new Error(`Publishing answered ${response.status}: ${response.text}`);
  return { id: event.id, messageId: response.body.messageId as string };
}
