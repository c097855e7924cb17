import { describe, expect, it } from 'vitest';
import {
  buildHttpApiEvent,
  formatRequestTime,
  isTextContentType,
  parseQueryString,
  type HttpEventContext,
  type HttpRequestInput,
} from '../../../infra/local/http-event';

const TIME = new Date('2020-03-12T19:03:58.123Z');

function request(overrides: Partial<HttpRequestInput> = {}): HttpRequestInput {
  return {
    method: 'POST',
    url: '/webhooks/stripe',
    headers: [['Host', '127.0.0.1:3000']],
    body: undefined,
    sourceIp: '127.0.0.1',
    protocol: 'HTTP/1.1',
    localPort: 3000,
    scheme: 'http',
    ...overrides,
  };
}

const context: HttpEventContext = {
  routeKey: 'ANY /webhooks/stripe',
  pathParameters: undefined,
  requestId: 'JKJaXmPLvHcESHA=',
  traceId: 'Root=1-5e6a8d2e-0123456789abcdef01234567',
  time: TIME,
  accountId: '000000000000',
  apiId: 'local',
};

describe('buildHttpApiEvent', () => {
  it('passes JSON, text/*, XML and JavaScript bodies as UTF-8 text', () => {
    for (const contentType of [
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'TEXT/CSV',
      'application/xml',
      'application/javascript',
    ]) {
      const event = buildHttpApiEvent(
        request({ headers: [['Content-Type', contentType]], body: Buffer.from('{"a":"é"}') }),
        context,
      );
      expect(event.isBase64Encoded, contentType).toBe(false);
      expect(event.body, contentType).toBe('{"a":"é"}');
    }
  });

  it('base64-encodes every other body, including one without a content type', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    for (const headers of [
      [['content-type', 'application/octet-stream']],
      [['content-type', 'application/x-www-form-urlencoded']],
      [['content-type', 'application/vnd.api+json']],
      [],
    ] as Array<Array<[string, string]>>) {
      const event = buildHttpApiEvent(request({ headers, body: bytes }), context);
      expect(event.isBase64Encoded).toBe(true);
      expect(Buffer.from(event.body ?? '', 'base64')).toEqual(bytes);
    }
  });

  it('omits the body when there is none', () => {
    for (const body of [undefined, Buffer.alloc(0)]) {
      const event = buildHttpApiEvent(request({ body, headers: [['content-type', 'application/json']] }), context);
      expect(event).not.toHaveProperty('body');
      expect(event.isBase64Encoded).toBe(false);
    }
  });

  it('lower-cases header names, joins repeated headers with commas and moves cookies to cookies[]', () => {
    const event = buildHttpApiEvent(
      request({
        headers: [
          ['Host', 'api.local:3000'],
          ['Stripe-Signature', 't=1,v1=abc'],
          ['X-Multi', 'a'],
          ['x-multi', 'b'],
          ['Cookie', 'a=1; b=2'],
          ['cookie', 'c=3'],
          ['User-Agent', 'curl/8'],
        ],
      }),
      context,
    );
    expect(event.headers).toMatchObject({
      host: 'api.local:3000',
      'stripe-signature': 't=1,v1=abc',
      'x-multi': 'a,b',
      'user-agent': 'curl/8',
    });
    expect(Object.keys(event.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(event.headers).not.toHaveProperty('cookie');
    expect(event.cookies).toEqual(['a=1', 'b=2', 'c=3']);
    expect(event.requestContext.http.userAgent).toBe('curl/8');
    expect(event.requestContext.domainName).toBe('api.local:3000');
    expect(event.requestContext.domainPrefix).toBe('api');
  });

  it('adds the forwarding and trace headers API Gateway adds', () => {
    const event = buildHttpApiEvent(request({ headers: [['X-Forwarded-For', '203.0.113.9']] }), context);
    expect(event.headers).toMatchObject({
      'x-forwarded-for': '203.0.113.9, 127.0.0.1',
      'x-forwarded-port': '3000',
      'x-forwarded-proto': 'http',
      'x-amzn-trace-id': context.traceId,
    });
  });

  it('carries routeKey, pathParameters, decoded rawPath, raw query string and requestContext', () => {
    const event = buildHttpApiEvent(request({ method: 'get', url: '/v1/orgs/org%20a/billing?x=1&y=a%20b&x=2&flag' }), {
      ...context,
      routeKey: 'GET /v1/orgs/{orgId}/billing',
      pathParameters: { orgId: 'org a' },
    });
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /v1/orgs/{orgId}/billing',
      rawPath: '/v1/orgs/org a/billing',
      rawQueryString: 'x=1&y=a%20b&x=2&flag',
      queryStringParameters: { x: '1,2', y: 'a b', flag: '' },
      pathParameters: { orgId: 'org a' },
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        http: { method: 'GET', path: '/v1/orgs/org a/billing', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' },
        requestId: 'JKJaXmPLvHcESHA=',
        routeKey: 'GET /v1/orgs/{orgId}/billing',
        stage: '$default',
        time: '12/Mar/2020:19:03:58 +0000',
        timeEpoch: TIME.getTime(),
      },
    });
    expect(event.requestContext).not.toHaveProperty('authorizer');
  });

  it('omits queryStringParameters, pathParameters and cookies when there are none', () => {
    const event = buildHttpApiEvent(request(), context);
    expect(event.rawQueryString).toBe('');
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('pathParameters');
    expect(event).not.toHaveProperty('cookies');
  });

  it('puts JWT claims under requestContext.authorizer.jwt with scopes null', () => {
    const event = buildHttpApiEvent(request(), { ...context, jwtClaims: { org_id: 'org_1', exp: '1700000000' } });
    expect(event.requestContext.authorizer).toEqual({
      jwt: { claims: { org_id: 'org_1', exp: '1700000000' }, scopes: null },
    });
  });
});

describe('helpers', () => {
  it('recognises text media types only', () => {
    expect(isTextContentType(undefined)).toBe(false);
    expect(isTextContentType('')).toBe(false);
    expect(isTextContentType('image/png')).toBe(false);
    expect(isTextContentType('text/html; charset=utf-8')).toBe(true);
  });

  it('parses query strings the way HTTP APIs deliver them', () => {
    expect(parseQueryString('')).toBeUndefined();
    expect(parseQueryString('a=1&a=2&b=%2Fx')).toEqual({ a: '1,2', b: '/x' });
  });

  it('formats the request time like API Gateway', () => {
    expect(formatRequestTime(new Date('2026-01-05T03:04:05Z'))).toBe('05/Jan/2026:03:04:05 +0000');
  });
});
