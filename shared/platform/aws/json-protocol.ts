import type { IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { ConfigurationError } from '../errors';
import { clientOptions, type Service } from './client-options';
import { isRetryable, retryDelayMs, serviceErrorFrom, AwsServiceError } from './json-protocol-errors';
import { createSigner } from './sigv4';

/**
 * A lean client for AWS services that speak the JSON protocol (SQS, Secrets Manager): one signed
 * POST over a keep-alive agent (SigV4 by sigv4.ts, checked against the SDK's own signer), retried as
 * the SDK's standard mode does (throttling and 5xx, capped exponential backoff with full
 * jitter, 3 attempts). It exists for the ingest path, where the SDK's middleware stack costs several
 * times the work itself (README, Performance); everything else keeps the SDK.
 *
 * Credentials come from the Lambda environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
 * `AWS_SESSION_TOKEN`); with an endpoint override (the local emulators) the dummy ones of
 * client-options.ts apply, as for the SDK clients.
 */

export interface JsonProtocolService {
  /** The SigV4 service name: `sqs`, `secretsmanager`. */
  readonly signingName: string;
  /** `X-Amz-Target` is `<targetPrefix>.<Operation>`. */
  readonly targetPrefix: string;
  readonly jsonVersion: '1.0' | '1.1';
  /** Which `AWS_ENDPOINT_URL_*` override applies. */
  readonly endpointService: Service;
}

export interface JsonProtocolClient {
  /** Sends `body` (a JSON document) to `operation`; resolves to the parsed answer, throws AwsServiceError. */
  call<T>(operation: string, body: string): Promise<T>;
}

export interface JsonProtocolOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly maxAttempts?: number;
  /** For tests: the jitter source and the wait between attempts. */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly timeoutMs?: number;
}

/** The Lambda environment's credentials (session token included), or the emulators' dummy ones. */
export function credentialsFrom(env: NodeJS.ProcessEnv, service: Service) {
  const local = clientOptions(service, env).credentials;
  if (local) return local;
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  if (!accessKeyId || !secretAccessKey)
    throw new ConfigurationError('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set (Lambda sets them)');
  return { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN && { sessionToken: env.AWS_SESSION_TOKEN }) };
}

/**
 * node:http through `process.getBuiltinModule`, not an ES import: importing it as an ES module
 * builds its namespace, which evaluates the lazy `WebSocket`/`MessageEvent` exports and so loads
 * undici and readline (≈ 25 ms of a cold start on Node 24; bench/README, Performance).
 */
const { Agent: HttpAgent, request: httpRequest } = process.getBuiltinModule('node:http');

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createJsonProtocolClient(
  service: JsonProtocolService,
  options: JsonProtocolOptions = {},
): JsonProtocolClient {
  const env = options.env ?? process.env;
  const region = clientOptions(service.endpointService, env).region ?? env.AWS_REGION ?? 'us-east-1';
  const endpoint = new URL(
    clientOptions(service.endpointService, env).endpoint ?? `https://${service.signingName}.${region}.amazonaws.com`,
  );
  const secure = endpoint.protocol === 'https:';
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const sign = createSigner();
  let credentials: ReturnType<typeof credentialsFrom> | undefined;
  const contentType = `application/x-amz-json-${service.jsonVersion}`;
  const maxAttempts = options.maxAttempts ?? 3;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? sleepFor;

  async function attempt(operation: string, body: string): Promise<unknown> {
    const headers = sign({
      credentials: (credentials ??= credentialsFrom(env, service.endpointService)),
      region,
      service: service.signingName,
      host: endpoint.host,
      path: endpoint.pathname,
      contentType,
      target: `${service.targetPrefix}.${operation}`,
      body,
      now: new Date(),
    });
    const response = await post(headers, body);
    const text = response.body;
    if (response.statusCode >= 200 && response.statusCode < 300) return text === '' ? {} : JSON.parse(text);
    throw serviceErrorFrom(response.statusCode, response.headers, text);
  }

  function post(headers: Record<string, string>, body: string) {
    const send = secure ? httpsRequest : httpRequest;
    return new Promise<{ statusCode: number; headers: IncomingMessage['headers']; body: string }>((resolve, reject) => {
      const request = send(
        { agent, method: 'POST', hostname: endpoint.hostname, port: endpoint.port, path: endpoint.pathname, headers },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () =>
            resolve({
              statusCode: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      request.setTimeout(options.timeoutMs ?? 5_000, () => request.destroy(new Error('AWS request timed out')));
      request.on('error', reject);
      request.end(body);
    });
  }

  return {
    async call<T>(operation: string, body: string): Promise<T> {
      for (let attemptNumber = 1; ; attemptNumber++) {
        try {
          return (await attempt(operation, body)) as T;
        } catch (error) {
          const retry = isRetryable(error);
          if (!retry || attemptNumber >= maxAttempts) throw AwsServiceError.from(error, operation);
          await sleep(retryDelayMs(attemptNumber, retry === 'throttling', random));
        }
      }
    },
  };
}
