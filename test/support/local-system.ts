import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import Stripe from 'stripe';
import { signLocalToken, type LocalRole } from '../../infra/local/jwt';
import { startLocalSystem, type LocalSystem } from '../../infra/local/system';
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
 * (memory, quiet, port 0) with compressed retries; `env` adds or overrides settings.
 */
export async function startSystemWithReceiver(
  env: Record<string, string> = {},
): Promise<{ system: LocalSystem; receiver: Receiver }> {
  const receiver = await startReceiver();
  const system = await startLocalSystem({
    port: 0,
    memory: true,
    quiet: true,
    env: { DELIVERY_RETRY_SCHEDULE: '1s,1s', DELIVERY_TIMEOUT_MS: '1500', ENDPOINT_DISABLE_AFTER: '1h', ...env },
  });
  return { system, receiver };
}
