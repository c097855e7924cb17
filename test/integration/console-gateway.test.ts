import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleServer } from '../../infra/local/console';
import { startGateway, type Gateway } from '../../infra/local/gateway';
import { verifyLocalToken } from '../../infra/local/jwt';
import type { LambdaHandler } from '../../infra/local/lambda-context';
import { silentLog } from '../../infra/local/log';
import type { RouteSpec } from '../../shared/platform/topology';

/**
 * The local gateway's console additions over real HTTP: static files with the CloudFront security
 * headers, config.json for the DEV sign-in, the DEV-only token route, and CORS answered for the
 * configured portal origins only (preflight and responses), as the HTTP API's CORS settings do.
 */

const JWT_SECRET = 'console-gateway-test-secret';
const ALLOWED = 'http://127.0.0.1:45678';
const ROUTES: RouteSpec[] = [{ method: 'GET', path: '/v1/orgs/{orgId}/billing', function: 'billingApi', auth: 'jwt' }];

let gateway: Gateway;
let dist: string;

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'console-dist-'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dist, 'console.js'), 'export {};');
  gateway = await startGateway({
    port: 0,
    region: 'us-east-1',
    jwtSecret: JWT_SECRET,
    routes: ROUTES,
    loadHandler: async () =>
      (async () => ({
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: '{"ok":true}',
      })) as LambdaHandler,
    log: silentLog,
    console: createConsoleServer({ distDir: dist, jwtSecret: JWT_SECRET }),
    allowedOrigins: [ALLOWED],
  });
});

afterAll(async () => {
  await gateway?.close();
  rmSync(dist, { recursive: true, force: true });
});

async function devToken(body: unknown) {
  return fetch(`${gateway.url}/console/dev-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('Local gateway: the console', () => {
  it('serves the page with a CSP that allows no inline script and forbids framing', async () => {
    const response = await fetch(`${gateway.url}/console/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect((await fetch(`${gateway.url}/console/console.js`)).headers.get('content-type')).toContain('javascript');
  });

  it('redirects /console to /console/ and refuses paths outside the build', async () => {
    const bare = await fetch(`${gateway.url}/console`, { redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/console/');
    expect((await fetch(`${gateway.url}/console/..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${gateway.url}/console/missing.js`)).status).toBe(404);
  });

  it('tells the page to use the DEV sign-in against this gateway', async () => {
    expect(await (await fetch(`${gateway.url}/console/config.json`)).json()).toEqual({ mode: 'dev', apiUrl: '' });
  });

  it('mints a token for the organisation or merchant and role picked, and nothing else', async () => {
    const org = await devToken({ owner: 'org_9', role: 'member' });
    const { token } = (await org.json()) as { token: string };
    expect(await verifyLocalToken(JWT_SECRET, token)).toMatchObject({ org_id: 'org_9', role: 'member' });
    const merchant = (await (await devToken({ owner: 'merchant:m_1', role: 'admin' })).json()) as { token: string };
    expect(await verifyLocalToken(JWT_SECRET, merchant.token)).toMatchObject({ merchant_id: 'm_1', role: 'admin' });
    const refused = await devToken({ owner: 'org_9', role: 'owner' });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect((await fetch(`${gateway.url}/console/dev-token`)).status).toBe(405);
  });
});

describe('Local gateway: CORS for the portal origins', () => {
  const preflight = (origin: string) =>
    fetch(`${gateway.url}/v1/orgs/org_1/billing`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });

  it('answers a preflight from an allowed origin before the authorizer', async () => {
    const response = await preflight(ALLOWED);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(response.headers.get('access-control-allow-methods')).toContain('PATCH');
  });

  it('gives another origin no CORS headers, so its browser refuses the answer', async () => {
    const response = await preflight('http://127.0.0.1:1');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const direct = await fetch(`${gateway.url}/v1/orgs/org_1/billing`, { headers: { origin: 'https://evil.example' } });
    expect(direct.status).toBe(401);
    expect(direct.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("adds the allowed origin to the API's answers, errors included", async () => {
    const response = await fetch(`${gateway.url}/v1/orgs/org_1/billing`, { headers: { origin: ALLOWED } });
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('vary')).toContain('origin');
  });
});
