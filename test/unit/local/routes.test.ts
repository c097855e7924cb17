import { describe, expect, it } from 'vitest';
import { matchRoute, routeKey } from '../../../infra/local/routes';
import { ROUTES, type RouteSpec } from '../../../shared/platform/topology';

describe('matchRoute', () => {
  it('matches the topology routes with route keys and path parameters', () => {
    expect(matchRoute(ROUTES, 'GET', '/v1/orgs/org_123/billing')).toMatchObject({
      routeKey: 'GET /v1/orgs/{orgId}/billing',
      pathParameters: { orgId: 'org_123' },
    });
    expect(matchRoute(ROUTES, 'get', '/v1/orgs/org_123/audit?limit=5')?.routeKey).toBe('GET /v1/orgs/{orgId}/audit');
  });

  it('lets ANY match every method and omits pathParameters without variables', () => {
    for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const match = matchRoute(ROUTES, method, '/webhooks/stripe');
      expect(match?.routeKey).toBe('ANY /webhooks/stripe');
      expect(match?.pathParameters).toBeUndefined();
    }
  });

  it('finds nothing for other methods, paths, trailing slashes, case or empty variables', () => {
    expect(matchRoute(ROUTES, 'POST', '/v1/orgs/org_123/billing')).toBeUndefined();
    expect(matchRoute(ROUTES, 'GET', '/v1/orgs/org_123/billing/')).toBeUndefined();
    expect(matchRoute(ROUTES, 'GET', '/V1/orgs/org_123/billing')).toBeUndefined();
    expect(matchRoute(ROUTES, 'GET', '/v1/orgs//billing')).toBeUndefined();
    expect(matchRoute(ROUTES, 'GET', '/v1/orgs/org_123')).toBeUndefined();
    expect(matchRoute(ROUTES, 'GET', '/')).toBeUndefined();
  });

  it('decodes path parameters per segment', () => {
    expect(matchRoute(ROUTES, 'GET', '/v1/orgs/org%20a%2Fb/billing')?.pathParameters).toEqual({ orgId: 'org a/b' });
  });

  it('prefers literal segments, then variables, then greedy variables, then a named method over ANY', () => {
    const routes: RouteSpec[] = [
      { method: 'ANY', path: '/items/{proxy+}', function: 'billingApi', auth: 'none' },
      { method: 'ANY', path: '/items/{id}', function: 'billingApi', auth: 'none' },
      { method: 'GET', path: '/items/{id}', function: 'billingApi', auth: 'none' },
      { method: 'GET', path: '/items/special', function: 'billingApi', auth: 'none' },
    ];
    expect(matchRoute(routes, 'GET', '/items/special')?.routeKey).toBe('GET /items/special');
    expect(matchRoute(routes, 'GET', '/items/7')?.routeKey).toBe('GET /items/{id}');
    expect(matchRoute(routes, 'POST', '/items/7')?.routeKey).toBe('ANY /items/{id}');
    expect(matchRoute(routes, 'POST', '/items/7/parts/2')).toMatchObject({
      routeKey: 'ANY /items/{proxy+}',
      pathParameters: { proxy: '7/parts/2' },
    });
  });

  it('formats route keys as METHOD path', () => {
    expect(routeKey({ method: 'ANY', path: '/webhooks/stripe' })).toBe('ANY /webhooks/stripe');
  });
});
