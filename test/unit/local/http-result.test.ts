import { describe, expect, it } from 'vitest';
import { toGatewayResponse } from '../../../infra/local/http-result';

describe('toGatewayResponse (payload format 2.0 response rules)', () => {
  it('sends a structured response as given', () => {
    const response = toGatewayResponse({
      statusCode: 202,
      headers: { 'Content-Type': 'application/json', 'X-Count': 3 },
      cookies: ['a=1; Path=/', 'b=2'],
      body: '{"ok":true}',
    });
    expect(response).toEqual({
      statusCode: 202,
      headers: { 'content-type': 'application/json', 'x-count': '3' },
      cookies: ['a=1; Path=/', 'b=2'],
      body: Buffer.from('{"ok":true}'),
    });
  });

  it('decodes a base64 body', () => {
    const bytes = Buffer.from([0, 255, 1]);
    expect(toGatewayResponse({ statusCode: 200, body: bytes.toString('base64'), isBase64Encoded: true }).body).toEqual(
      bytes,
    );
  });

  it('infers 200 application/json for a string (sent as is) and for other JSON values (serialised)', () => {
    expect(toGatewayResponse('Hello from Lambda!')).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      cookies: [],
      body: Buffer.from('Hello from Lambda!'),
    });
    expect(toGatewayResponse({ message: 'hi' }).body.toString()).toBe('{"message":"hi"}');
    expect(toGatewayResponse(undefined).body.toString()).toBe('null');
    expect(toGatewayResponse([1, 2]).statusCode).toBe(200);
  });

  it('allows a structured response without a body', () => {
    expect(toGatewayResponse({ statusCode: 204 }).body.length).toBe(0);
  });

  it('rejects malformed structured responses (API Gateway answers 500)', () => {
    expect(() => toGatewayResponse({ statusCode: 'abc' })).toThrow();
    expect(() => toGatewayResponse({ statusCode: 99 })).toThrow();
    expect(() => toGatewayResponse({ statusCode: 200, body: { not: 'a string' } })).toThrow();
    expect(() => toGatewayResponse({ statusCode: 200, cookies: 'a=1' })).toThrow();
  });
});
