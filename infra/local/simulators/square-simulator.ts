import { randomBytes } from 'node:crypto';
import { hmacSha256 } from '../../../shared/platform/crypto/hmac';
import { consentForm, formFields, jsonAnswer, parseJson, redirectTo, startSimServer } from './http-server';
import type { SimRequest, SimResponse } from './http-server';

/**
 * A small Square on loopback (REFERENCE §5) for `npm start` without a Square application and for the
 * integration tests: the consent page (Approve or Deny, with the merchant to sign in as), `/oauth2/token`
 * (code and refresh grants; 30-day tokens whose refresh token does not rotate), `/oauth2/revoke`,
 * `/v2/merchants/me`, SearchCatalogObjects and BatchRetrieveInventoryCounts with cursors, injectable
 * failures (refreshes, 429s), and `emit` to post signed webhooks to the notification URL.
 */

export interface SquareSimulatorOptions {
  readonly applicationId: string;
  readonly applicationSecret: string;
  /** The OAuth redirect URL registered with the application (Square does not take it as a parameter). */
  readonly redirectUrl: string;
  /** Square signs webhooks with the subscription's key over notification URL + body. */
  readonly signatureKey: string;
  readonly notificationUrl: string;
  readonly port?: number;
}

interface Merchant {
  items: Record<string, unknown>[];
  counts: Record<string, unknown>[];
}

const PAGE = 100;
const DAY_MS = 86_400_000;
export const SIMULATED_MERCHANT_ID = 'MLSIMULATED1';

/** The simulated Square's state: merchants, codes and tokens, call counters and injected failures. */
interface SquareState {
  readonly options: SquareSimulatorOptions;
  readonly merchants: Map<string, Merchant>;
  readonly codes: Map<string, string>;
  readonly accessTokens: Map<string, { merchantId: string; expiresAt: number }>;
  readonly refreshTokens: Map<string, string>;
  readonly counters: { tokenExchanges: number; refreshes: number; revokes: number };
  readonly failures: { refreshes: number; rateLimited: number };
}

function merchantOf(state: SquareState, id: string): Merchant {
  let merchant = state.merchants.get(id);
  if (!merchant) {
    merchant = { items: [], counts: [] };
    state.merchants.set(id, merchant);
  }
  return merchant;
}

function issue(state: SquareState, merchantId: string, refreshToken: string): SimResponse {
  const accessToken = `EAAAsim${randomBytes(16).toString('hex')}`;
  const expiresAt = Date.now() + 30 * DAY_MS;
  state.accessTokens.set(accessToken, { merchantId, expiresAt });
  return jsonAnswer(200, {
    access_token: accessToken,
    token_type: 'bearer',
    expires_at: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    merchant_id: merchantId,
    refresh_token: refreshToken,
  });
}

function consentPage(state: SquareState, url: URL): SimResponse {
  if (url.searchParams.get('client_id') !== state.options.applicationId)
    return jsonAnswer(400, { error: 'unknown client_id' });
  return consentForm({
    title: 'Authorize Better Data (DEV Square simulator)',
    heading: 'Allow Better Data to read your Square account?',
    description: `DEV simulator of Square's consent page. Permissions: ${url.searchParams.get('scope') ?? ''}`,
    action: '/oauth2/approve',
    hidden: [{ name: 'state', value: url.searchParams.get('state') ?? '' }],
    inputs: [{ label: 'Merchant id', name: 'merchant_id', value: SIMULATED_MERCHANT_ID }],
    buttons: [
      { label: 'Approve', name: 'decision', value: 'approve' },
      { label: 'Deny', name: 'decision', value: 'deny' },
    ],
  });
}

function approve(state: SquareState, body: string): SimResponse {
  const form = formFields(body);
  const target = new URL(state.options.redirectUrl);
  if (form.decision === 'deny') {
    target.searchParams.set('error', 'access_denied');
    target.searchParams.set('error_description', 'user denied');
  } else {
    const code = `sq0cgp-${randomBytes(12).toString('hex')}`;
    state.codes.set(code, form.merchant_id || SIMULATED_MERCHANT_ID);
    target.searchParams.set('code', code);
    target.searchParams.set('response_type', 'code');
  }
  target.searchParams.set('state', form.state ?? '');
  return redirectTo(target.toString());
}

/** Square's refresh tokens do not rotate: the same one comes back with each new access token. */
function refreshGrant(state: SquareState, refreshToken: string): SimResponse {
  state.counters.refreshes += 1;
  if (state.failures.refreshes > 0) {
    state.failures.refreshes -= 1;
    return jsonAnswer(503, { errors: [{ code: 'SERVICE_UNAVAILABLE', category: 'API_ERROR' }] });
  }
  const merchantId = state.refreshTokens.get(refreshToken);
  if (!merchantId) return jsonAnswer(401, { errors: [{ code: 'UNAUTHORIZED' }] });
  return issue(state, merchantId, refreshToken);
}

function token(state: SquareState, request: SimRequest): SimResponse {
  const body = parseJson(request.body);
  if (body.client_id !== state.options.applicationId || body.client_secret !== state.options.applicationSecret)
    return jsonAnswer(401, { errors: [{ code: 'UNAUTHORIZED', category: 'AUTHENTICATION_ERROR' }] });
  if (body.grant_type === 'refresh_token') return refreshGrant(state, String(body.refresh_token));
  const merchantId = state.codes.get(String(body.code));
  state.codes.delete(String(body.code));
  if (!merchantId) return jsonAnswer(400, { errors: [{ code: 'BAD_REQUEST', detail: 'unknown code' }] });
  state.counters.tokenExchanges += 1;
  const refreshToken = `EQAAsim${randomBytes(16).toString('hex')}`;
  state.refreshTokens.set(refreshToken, merchantId);
  return issue(state, merchantId, refreshToken);
}

function revoke(state: SquareState, request: SimRequest): SimResponse {
  if (request.headers.authorization !== `Client ${state.options.applicationSecret}`)
    return jsonAnswer(401, { errors: [{ code: 'UNAUTHORIZED' }] });
  const body = parseJson(request.body);
  const merchantId = state.accessTokens.get(String(body.access_token))?.merchantId ?? String(body.merchant_id ?? '');
  state.counters.revokes += 1;
  // Revoking ends every token of the merchant for this application.
  for (const [key, value] of state.accessTokens) if (value.merchantId === merchantId) state.accessTokens.delete(key);
  for (const [key, value] of state.refreshTokens) if (value === merchantId) state.refreshTokens.delete(key);
  return jsonAnswer(200, { success: true });
}

function authorised(state: SquareState, request: SimRequest): string | undefined {
  const presented = /^Bearer (\S+)$/.exec(String(request.headers.authorization ?? ''))?.[1] ?? '';
  const held = state.accessTokens.get(presented);
  return held && held.expiresAt > Date.now() ? held.merchantId : undefined;
}

function page<T>(list: readonly T[], cursor: unknown) {
  const start = typeof cursor === 'string' ? Number(cursor) : 0;
  const slice = list.slice(start, start + PAGE);
  return { slice, cursor: start + PAGE < list.length ? String(start + PAGE) : undefined };
}

function api(state: SquareState, request: SimRequest, path: string): SimResponse {
  const merchantId = authorised(state, request);
  if (!merchantId) return jsonAnswer(401, { errors: [{ code: 'UNAUTHORIZED', category: 'AUTHENTICATION_ERROR' }] });
  if (state.failures.rateLimited > 0) {
    state.failures.rateLimited -= 1;
    const errors = [{ code: 'RATE_LIMITED', category: 'RATE_LIMIT_ERROR' }];
    return jsonAnswer(429, { errors }, { 'retry-after': '1' });
  }
  const merchant = merchantOf(state, merchantId);
  const body = parseJson(request.body);
  if (path === '/v2/merchants/me') return jsonAnswer(200, { merchant: { id: merchantId, business_name: 'Simulated' } });
  if (path === '/v2/catalog/search') {
    const { slice, cursor } = page(merchant.items, body.cursor);
    return jsonAnswer(200, { objects: slice, ...(cursor && { cursor }), latest_time: '2026-01-01T00:00:00Z' });
  }
  if (path === '/v2/inventory/counts/batch-retrieve') {
    const { slice, cursor } = page(merchant.counts, body.cursor);
    return jsonAnswer(200, { counts: slice, ...(cursor && { cursor }) });
  }
  return jsonAnswer(404, { errors: [{ code: 'NOT_FOUND' }] });
}

/** Posts a signed Square webhook (`type`, `data`) for the merchant to the notification URL. */
async function emit(options: SquareSimulatorOptions, merchantId: string, type: string, data: unknown): Promise<number> {
  const body = JSON.stringify({
    merchant_id: merchantId,
    type,
    event_id: randomBytes(16).toString('hex'),
    created_at: new Date().toISOString(),
    data,
  });
  const signature = hmacSha256(options.signatureKey, options.notificationUrl + body).toString('base64');
  const response = await fetch(options.notificationUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-square-hmacsha256-signature': signature },
    body,
  });
  return response.status;
}

async function handle(state: SquareState, request: SimRequest): Promise<SimResponse> {
  const path = request.url.pathname;
  if (request.method === 'GET' && path === '/oauth2/authorize') return consentPage(state, request.url);
  if (request.method === 'POST' && path === '/oauth2/approve') return approve(state, request.body);
  if (request.method === 'POST' && path === '/oauth2/token') return token(state, request);
  if (request.method === 'POST' && path === '/oauth2/revoke') return revoke(state, request);
  if (path === '/emit' && request.method === 'POST') {
    const body = parseJson(request.body);
    const merchantId = String(body.merchantId ?? SIMULATED_MERCHANT_ID);
    const status = await emit(state.options, merchantId, String(body.type ?? ''), body.data ?? {});
    return jsonAnswer(200, { status });
  }
  return api(state, request, path);
}

/** Adds `count` items (one variation each, with a count of 5 at one location). */
function addItems(merchant: Merchant, count: number): void {
  for (let i = 0; i < count; i++) {
    const n = merchant.items.length + 1;
    const variationId = `VAR_${n}`;
    const variation = {
      type: 'ITEM_VARIATION',
      id: variationId,
      updated_at: '2026-01-01T00:00:00Z',
      version: 1_000 + n,
      item_variation_data: {
        item_id: `ITEM_${n}`,
        name: 'Regular',
        sku: `SQ-${n}`,
        price_money: { amount: 500, currency: 'USD' },
      },
    };
    merchant.items.push({
      type: 'ITEM',
      id: `ITEM_${n}`,
      updated_at: '2026-01-01T00:00:00Z',
      version: 1_000 + n,
      item_data: { name: `Item ${n}`, variations: [variation] },
    });
    merchant.counts.push({
      catalog_object_id: variationId,
      catalog_object_type: 'ITEM_VARIATION',
      state: 'IN_STOCK',
      location_id: 'LOC_1',
      quantity: '5',
      calculated_at: '2026-01-01T00:00:00Z',
    });
  }
}

export async function startSquareSimulator(options: SquareSimulatorOptions) {
  const state: SquareState = {
    options,
    merchants: new Map(),
    codes: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    counters: { tokenExchanges: 0, refreshes: 0, revokes: 0 },
    failures: { refreshes: 0, rateLimited: 0 },
  };
  const server = await startSimServer((request) => handle(state, request), options.port ?? 0);
  return {
    url: server.url,
    counters: state.counters,
    failures: state.failures,
    /** Adds `count` items (one variation each, with a count of 5 at one location). */
    addItems: (merchantId: string, count: number): void => addItems(merchantOf(state, merchantId), count),
    /** Whether the merchant still has a live token (false after a revoke). */
    hasLiveToken: (merchantId: string) =>
      [...state.accessTokens.values()].some((held) => held.merchantId === merchantId),
    emit: (merchantId: string, type: string, data: unknown) => emit(options, merchantId, type, data),
    close: () => server.close(),
  };
}

export type SquareSimulator = Awaited<ReturnType<typeof startSquareSimulator>>;
