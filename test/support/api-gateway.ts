import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** An HTTP API (payload 2.0) event for unit tests of HTTP handlers. */
export function httpEvent(options: {
  method?: string;
  routeKey?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  base64?: boolean;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  claims?: Record<string, string>;
}): APIGatewayProxyEventV2 {
  const method = options.method ?? 'POST';
  const path = options.path ?? '/webhooks/stripe';
  const base64 = options.base64 ?? Buffer.isBuffer(options.body);
  const body =
    options.body === undefined
      ? undefined
      : Buffer.isBuffer(options.body)
        ? options.body.toString('base64')
        : base64
          ? Buffer.from(options.body).toString('base64')
          : options.body;
  return {
    version: '2.0',
    routeKey: options.routeKey ?? `ANY ${path}`,
    rawPath: path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: options.headers ?? {},
    ...(options.query && { queryStringParameters: options.query }),
    ...(options.pathParameters && { pathParameters: options.pathParameters }),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey: options.routeKey ?? `ANY ${path}`,
      stage: '$default',
      time: '28/Nov/2026:00:00:00 +0000',
      timeEpoch: 0,
      ...(options.claims && { authorizer: { jwt: { claims: options.claims, scopes: null } } }),
    },
    ...(body !== undefined && { body }),
    isBase64Encoded: base64,
  } as APIGatewayProxyEventV2;
}
