import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { IamAuthorizerContext } from './iam';

/**
 * Builds the event an API Gateway HTTP API (payload format 2.0) hands to a Lambda integration, from
 * a plain description of the request. Pure: ids and time come in, so tests can pin them.
 *
 * Rules mirrored from AWS (docs "Create AWS Lambda proxy integrations for HTTP APIs", live captures):
 * - header names lower-cased; repeated headers joined with "," ; `cookie` headers become `cookies[]`
 *   (split at ";") and are not repeated in `headers`; `x-forwarded-for/-port/-proto` and
 *   `x-amzn-trace-id` are added as API Gateway adds them;
 * - `rawPath` and `requestContext.http.path` are URL-decoded; `rawQueryString` is verbatim;
 *   `queryStringParameters` decoded, repeated keys joined with ","; absent when empty;
 * - the body is text only for `text/*`, `application/json`, `application/xml`,
 *   `application/javascript`; anything else, including no Content-Type, is base64 with
 *   `isBase64Encoded: true`; no body → `body` absent and `isBase64Encoded: false`.
 */

export interface HttpRequestInput {
  readonly method: string;
  /** Request target as received: path plus optional `?query`. */
  readonly url: string;
  /** Header name/value pairs in arrival order (Node's `rawHeaders`, paired). */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer | undefined;
  readonly sourceIp: string;
  /** e.g. `HTTP/1.1`. */
  readonly protocol: string;
  /** Port and scheme the client connected to (for `x-forwarded-port` / `-proto`). */
  readonly localPort: number;
  readonly scheme: 'http' | 'https';
}

export interface HttpEventContext {
  readonly routeKey: string;
  readonly pathParameters: Record<string, string> | undefined;
  readonly requestId: string;
  readonly traceId: string;
  readonly time: Date;
  readonly accountId: string;
  readonly apiId: string;
  readonly stage?: string;
  /** JWT claims as delivered (strings); present only on routes with a JWT authorizer. */
  readonly jwtClaims?: Record<string, string>;
  /** The SigV4 caller; present only on routes with IAM authorization. */
  readonly iamCaller?: IamAuthorizerContext;
}

const TEXT_MEDIA_TYPES = new Set(['application/json', 'application/xml', 'application/javascript']);

export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return mediaType.startsWith('text/') || TEXT_MEDIA_TYPES.has(mediaType);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, the format of `requestContext.time`. */
export function formatRequestTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function splitUrl(url: string): { rawPath: string; rawQueryString: string } {
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  return { rawPath: path || '/', rawQueryString: queryAt < 0 ? '' : url.slice(queryAt + 1) };
}

export function parseQueryString(rawQueryString: string): Record<string, string> | undefined {
  if (!rawQueryString) return undefined;
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    params[key] = key in params ? `${params[key]},${value}` : value;
  }
  return Object.keys(params).length > 0 ? params : undefined;
}

export function collectHeaders(pairs: ReadonlyArray<readonly [string, string]>): {
  headers: Record<string, string>;
  cookies: string[] | undefined;
} {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [rawName, value] of pairs) {
    const name = rawName.toLowerCase();
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((part) => part.trim())
          .filter((part) => part.length > 0),
      );
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return { headers, cookies: cookies.length > 0 ? cookies : undefined };
}

export function encodeBody(
  body: Buffer | undefined,
  contentType: string | undefined,
): { body?: string; isBase64Encoded: boolean } {
  if (!body || body.length === 0) return { isBase64Encoded: false };
  if (isTextContentType(contentType)) return { body: body.toString('utf8'), isBase64Encoded: false };
  return { body: body.toString('base64'), isBase64Encoded: true };
}

/** The payload-2.0 event, with the JWT or IAM authorizer's context when the route has one. */
export type HttpApiEvent = APIGatewayProxyEventV2 & {
  requestContext: {
    authorizer?: { jwt: { claims: Record<string, string>; scopes: string[] | null } } | { iam: IamAuthorizerContext };
  };
};

function authorizerOf(context: HttpEventContext): HttpApiEvent['requestContext']['authorizer'] {
  if (context.jwtClaims) return { jwt: { claims: context.jwtClaims, scopes: null } };
  if (context.iamCaller) return { iam: { ...context.iamCaller } };
  return undefined;
}

export function buildHttpApiEvent(request: HttpRequestInput, context: HttpEventContext): HttpApiEvent {
  const { rawPath, rawQueryString } = splitUrl(request.url);
  const path = safeDecode(rawPath);
  const { headers, cookies } = collectHeaders(request.headers);
  const forwardedFor = headers['x-forwarded-for'];
  headers['x-forwarded-for'] = forwardedFor ? `${forwardedFor}, ${request.sourceIp}` : request.sourceIp;
  headers['x-forwarded-port'] = String(request.localPort);
  headers['x-forwarded-proto'] = request.scheme;
  headers['x-amzn-trace-id'] ??= context.traceId;
  const domainName = headers.host ?? 'localhost';
  const queryStringParameters = parseQueryString(rawQueryString);
  const method = request.method.toUpperCase();
  const authorizer = authorizerOf(context);

  return {
    version: '2.0',
    routeKey: context.routeKey,
    rawPath: path,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: context.accountId,
      apiId: context.apiId,
      ...(authorizer ? { authorizer } : {}),
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method,
        path,
        protocol: request.protocol,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: context.requestId,
      routeKey: context.routeKey,
      stage: context.stage ?? '$default',
      time: formatRequestTime(context.time),
      timeEpoch: context.time.getTime(),
    },
    ...(context.pathParameters ? { pathParameters: context.pathParameters } : {}),
    ...encodeBody(request.body, headers['content-type']),
  };
}
