import { randomBytes } from 'node:crypto';
import { hmacSha256 } from '../../../shared/platform/crypto/hmac';
import {
  escapeHtml,
  formFields,
  htmlAnswer,
  jsonAnswer,
  parseJson,
  redirectTo,
  startSimServer,
  type SimRequest,
  type SimResponse,
} from './http-server';

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

export async function startSquareSimulator(options: SquareSimulatorOptions) {
  const merchants = new Map<string, Merchant>();
  const codes = new Map<string, string>();
  const accessTokens = new Map<string, { merchantId: string; expiresAt: number }>();
  const refreshTokens = new Map<string, string>();
  const counters = { tokenExchanges: 0, refreshes: 0, revokes: 0 };
  const failures = { refreshes: 0, rateLimited: 0 };
  const merchantOf = (id: string): Merchant => {
    let merchant = merchants.get(id);
    if (!merchant) {
      merchant = { items: [], counts: [] };
      merchants.set(id, merchant);
    }
    return merchant;
  };

  function issue(merchantId: string, refreshToken: string) {
    const accessToken = `EAAAsim${randomBytes(16).toString('hex')}`;
    const expiresAt = Date.now() + 30 * DAY_MS;
    accessTokens.set(accessToken, { merchantId, expiresAt });
    return jsonAnswer(200, {
      access_token: accessToken,
      token_type: 'bearer',
      expires_at: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      merchant_id: merchantId,
      refresh_token: refreshToken,
    });
  }

  function consentPage(url: URL): SimResponse {
    if (url.searchParams.get('client_id') !== options.applicationId)
      return jsonAnswer(400, { error: 'unknown client_id' });
    const state = escapeHtml(url.searchParams.get('state') ?? '');
    return htmlAnswer(
      `<!doctype html><html lang="en"><head>` +
        `<title>Authorize Better Data (DEV Square simulator)</title></head>
<body><main><h1>Allow Better Data to read your Square account?</h1>
<p>DEV simulator of Square's consent page. Permissions: ${escapeHtml(url.searchParams.get('scope') ?? '')}</p>
<form method="post" action="/oauth2/approve"><input type="hidden" name="state" value="${state}">
<label>Merchant id <input name="merchant_id" value="${SIMULATED_MERCHANT_ID}"></label>
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button></form></main></body></html>`,
    );
  }

  function approve(body: string): SimResponse {
    const form = formFields(body);
    const target = new URL(options.redirectUrl);
    if (form.decision === 'deny') {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_description', 'user denied');
    } else {
      const code = `sq0cgp-${randomBytes(12).toString('hex')}`;
      codes.set(code, form.merchant_id || SIMULATED_MERCHANT_ID);
      target.searchParams.set('code', code);
      target.searchParams.set('response_type', 'code');
    }
    target.searchParams.set('state', form.state ?? '');
    return redirectTo(target.toString());
  }

  function token(request: SimRequest): SimResponse {
    const body = parseJson(request.body);
    if (body.client_id !== options.applicationId || body.client_secret !== options.applicationSecret)
      return jsonAnswer(401, { errors: [{ code: 'UNAUTHORIZED', category: 'AUTHENTICATION_ERROR' }] });
    if (body.grant_type === 'refresh_token') {
      counters.refreshes += 1;
      if (failures.refreshes > 0) {
        failures.refreshes -= 1;
        return jsonAnswer(503, { errors: [{ code: 'SERVICE_UNAVAILABLE', category: 'API_ERROR' }] });
      }
      const merchantId = refreshTokens.get(String(body.refresh_token));
      if (!merchantId) return jsonAnswer(401, { errors: [{ code: 'UNAUTHORIZED' }] });
      return issue(merchantId, String(body.refresh_token));
    }
    const merchantId = codes.get(String(body.code));
    codes.delete(String(body.code));
    if (!merchantId) return jsonAnswer(400, { errors: [{ code: 'BAD_REQUEST', detail: 'unknown code' }] });
    counters.tokenExchanges += 1;
    const refreshToken = `EQAAsim${randomBytes(16).toString('hex')}`;
    refreshTokens.set(refreshToken, merchantId);
    return issue(merchantId, refreshToken);
  }

  function revoke(request: SimRequest): SimResponse {
    if (request.headers.authorization !== `Client ${options.applicationSecret}`)
      return jsonAnswer(401, { errors: [{ code: 'UNAUTHORIZED' }] });
    const body = parseJson(request.body);
    const merchantId = accessTokens.get(String(body.access_token))?.merchantId ?? String(body.merchant_id ?? '');
    counters.revokes += 1;
    // Revoking ends every token of the merchant for this application.
    for (const [key, value] of accessTokens) if (value.merchantId === merchantId) accessTokens.delete(key);
    for (const [key, value] of refreshTokens) if (value === merchantId) refreshTokens.delete(key);
    return jsonAnswer(200, { success: true });
  }

  function authorised(request: SimRequest): string | undefined {
    const presented = /^Bearer (\S+)$/.exec(String(request.headers.authorization ?? ''))?.[1] ?? '';
    const held = accessTokens.get(presented);
    return held && held.expiresAt > Date.now() ? held.merchantId : undefined;
  }

  function page<T>(list: readonly T[], cursor: unknown) {
    const start = typeof cursor === 'string' ? Number(cursor) : 0;
    const slice = list.slice(start, start + PAGE);
    return { slice, cursor: start + PAGE < list.length ? String(start + PAGE) : undefined };
  }

  function api(request: SimRequest, path: string): SimResponse {
    const merchantId = authorised(request);
    if (!merchantId) return jsonAnswer(401, { errors: [{ code: 'UNAUTHORIZED', category: 'AUTHENTICATION_ERROR' }] });
    if (failures.rateLimited > 0) {
      failures.rateLimited -= 1;
      return jsonAnswer(
        429,
        { errors: [{ code: 'RATE_LIMITED', category: 'RATE_LIMIT_ERROR' }] },
        { 'retry-after': '1' },
      );
    }
    const merchant = merchantOf(merchantId);
    const body = parseJson(request.body);
    if (path === '/v2/merchants/me')
      return jsonAnswer(200, { merchant: { id: merchantId, business_name: 'Simulated' } });
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

  async function handle(request: SimRequest): Promise<SimResponse> {
    const path = request.url.pathname;
    if (request.method === 'GET' && path === '/oauth2/authorize') return consentPage(request.url);
    if (request.method === 'POST' && path === '/oauth2/approve') return approve(request.body);
    if (request.method === 'POST' && path === '/oauth2/token') return token(request);
    if (request.method === 'POST' && path === '/oauth2/revoke') return revoke(request);
    if (path === '/emit' && request.method === 'POST') {
      const body = parseJson(request.body);
      const status = await emit(
        String(body.merchantId ?? SIMULATED_MERCHANT_ID),
        String(body.type ?? ''),
        body.data ?? {},
      );
      return jsonAnswer(200, { status });
    }
    return api(request, path);
  }

  /** Posts a signed Square webhook (`type`, `data`) for the merchant to the notification URL. */
  async function emit(merchantId: string, type: string, data: unknown): Promise<number> {
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

  const server = await startSimServer(handle, options.port ?? 0);
  return {
    url: server.url,
    counters,
    failures,
    /** Adds `count` items (one variation each, with a count of 5 at one location). */
    addItems(merchantId: string, count: number): void {
      const merchant = merchantOf(merchantId);
      for (let i = 0; i < count; i++) {
        const n = merchant.items.length + 1;
        const variationId = `VAR_${n}`;
        merchant.items.push({
          type: 'ITEM',
          id: `ITEM_${n}`,
          updated_at: '2026-01-01T00:00:00Z',
          version: 1_000 + n,
          item_data: {
            name: `Item ${n}`,
            variations: [
              {
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
              },
            ],
          },
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
    },
    /** Whether the merchant still has a live token (false after a revoke). */
    hasLiveToken: (merchantId: string) => [...accessTokens.values()].some((held) => held.merchantId === merchantId),
    emit,
    close: () => server.close(),
  };
}

export type SquareSimulator = Awaited<ReturnType<typeof startSquareSimulator>>;
