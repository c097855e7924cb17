import { describe, expect, it } from 'vitest';
import { buildHttpApiEvent } from '../../../infra/local/http-event';
import {
  LOCAL_INTERNAL_CALLER,
  LOCAL_PUBLISHER_ROLE_ARN,
  authorizeInternalCaller,
  bearerToken,
} from '../../../infra/local/iam';

const TOKEN = 'internal-token-for-tests';

describe('bearerToken', () => {
  it('reads the token of a Bearer header, in any case of the scheme', () => {
    expect(bearerToken(`Bearer ${TOKEN}`)).toBe(TOKEN);
    expect(bearerToken(`bearer ${TOKEN}`)).toBe(TOKEN);
    expect(bearerToken(`  BEARER   ${TOKEN}  `)).toBe(TOKEN);
  });

  it('ignores other schemes, a bare token and an empty header', () => {
    for (const header of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      TOKEN,
      `Basic ${TOKEN}`,
      `AWS4-HMAC-SHA256 Credential=x`,
      `Bearer a b`,
    ]) {
      expect(bearerToken(header), String(header)).toBeUndefined();
    }
  });
});

describe('authorizeInternalCaller', () => {
  it('accepts the configured token as the local internal publisher', () => {
    expect(authorizeInternalCaller(`Bearer ${TOKEN}`, TOKEN)).toEqual(LOCAL_INTERNAL_CALLER);
  });

  it('refuses a missing, wrong, prefixed or extended token, and everything when none is configured', () => {
    for (const header of [
      undefined,
      'Bearer wrong',
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Bearer x${TOKEN}`,
    ]) {
      expect(authorizeInternalCaller(header, TOKEN), String(header)).toBeUndefined();
    }
    expect(authorizeInternalCaller(`Bearer ${TOKEN}`, undefined)).toBeUndefined();
    expect(authorizeInternalCaller('Bearer ', '')).toBeUndefined();
  });

  it('describes the caller the way HTTP API payload 2.0 does for a session of an IAM role', () => {
    expect(LOCAL_INTERNAL_CALLER).toEqual({
      accessKey: expect.stringMatching(/^ASIA[A-Z0-9]{16}$/) as unknown,
      accountId: '000000000000',
      callerId: expect.stringMatching(/^AROA[A-Z0-9]+:local$/) as unknown,
      cognitoIdentity: null,
      principalOrgId: null,
      userArn: 'arn:aws:sts::000000000000:assumed-role/local-internal-publisher/local',
      userId: LOCAL_INTERNAL_CALLER.callerId,
    });
    expect(LOCAL_PUBLISHER_ROLE_ARN).toBe('arn:aws:iam::000000000000:role/local-internal-publisher');
  });
});

describe('buildHttpApiEvent with an IAM caller', () => {
  it('puts the caller under requestContext.authorizer.iam', () => {
    const event = buildHttpApiEvent(
      {
        method: 'POST',
        url: '/internal/events',
        headers: [['Content-Type', 'application/json']],
        body: Buffer.from('{}'),
        sourceIp: '127.0.0.1',
        protocol: 'HTTP/1.1',
        localPort: 3000,
        scheme: 'http',
      },
      {
        routeKey: 'POST /internal/events',
        pathParameters: undefined,
        requestId: 'JKJaXmPLvHcESHA=',
        traceId: 'Root=1-5e6a8d2e-0123456789abcdef01234567',
        time: new Date('2026-01-01T00:00:00Z'),
        accountId: '000000000000',
        apiId: 'local',
        iamCaller: LOCAL_INTERNAL_CALLER,
      },
    );
    expect(event.requestContext.authorizer).toEqual({ iam: LOCAL_INTERNAL_CALLER });
  });
});
