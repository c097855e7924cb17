import * as z from 'zod';
import { parseLosslessJson } from '../platform/json/lossless';
import { PlatformError } from '../platform/errors';

/**
 * A small client for Square's SearchCatalogObjects (`POST /v2/catalog/search`): the objects changed
 * since a time, deleted ones included, page by page along `cursor`; and RetrieveMerchant
 * (`GET /v2/merchants/me`), which says whose catalog the access token reads. Plain `fetch`: the base URL is
 * configuration (Square, or a fake Square on loopback in tests), never tenant input. Responses are
 * parsed losslessly (object versions and money amounts are int64).
 */

export const SQUARE_API_BASE_URL = 'https://connect.squareup.com';
/** The Square API version this client was written against (sent as `Square-Version`). */
export const SQUARE_API_VERSION = '2025-07-16';
const DEFAULT_TIMEOUT_MS = 10_000;
const PAGE_LIMIT = 1_000;

export interface CatalogPage {
  readonly objects: readonly unknown[];
  readonly relatedObjects: readonly unknown[];
  /** When the merchant's catalog was last updated, as of this search (Square's `latest_time`). */
  readonly latestTime: string | null;
}

export interface SquareCatalogSource {
  /** The merchant the access token belongs to (`GET /v2/merchants/me`), asked once and remembered. */
  tokenMerchantId(): Promise<string>;
  /**
   * Pages of ITEM and ITEM_VARIATION objects modified after `beginTime` (exclusive; all when
   * undefined), with their related objects. Throws `SquareApiError` on any failed page.
   */
  changedObjects(options: { beginTime?: string }): AsyncIterable<CatalogPage>;
}

/** One page at a time, for a durable sync that checkpoints the cursor between pages. */
export interface SquareCatalogPages {
  /** Live ITEM and ITEM_VARIATION objects (no deleted ones: nothing is stored yet to delete). */
  catalogPage(
    cursor: string | null,
  ): Promise<{ objects: readonly unknown[]; relatedObjects: readonly unknown[]; cursor: string | null }>;
  /** Inventory counts of every catalog object at every location (BatchRetrieveInventoryCounts). */
  inventoryPage(cursor: string | null): Promise<{ counts: readonly unknown[]; cursor: string | null }>;
}

/** Square answered with an error, or could not be reached (`status` 0). */
export class SquareApiError extends PlatformError {
  override readonly name = 'SquareApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly codes: readonly string[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface SquareCatalogClientOptions {
  /** Resolves the access token for each request (it may rotate). */
  readonly accessToken: () => Promise<string>;
  readonly baseUrl?: URL | string;
  readonly timeoutMs?: number;
  /** Injectable for tests. */
  readonly fetch?: typeof fetch;
}

const merchantSchema = z.looseObject({ merchant: z.looseObject({ id: z.string().min(1) }) });

const responseSchema = z.looseObject({
  objects: z.array(z.unknown()).nullish(),
  related_objects: z.array(z.unknown()).nullish(),
  cursor: z.string().nullish(),
  latest_time: z.string().nullish(),
});

const errorsSchema = z.looseObject({
  errors: z.array(z.looseObject({ code: z.string().nullish(), detail: z.string().nullish() })).nullish(),
});

const countsSchema = z.looseObject({ counts: z.array(z.unknown()).nullish(), cursor: z.string().nullish() });

export function createSquareCatalogClient(
  options: SquareCatalogClientOptions,
): SquareCatalogSource & SquareCatalogPages {
  let tokenMerchant: Promise<string> | undefined;
  const search = (body: Record<string, unknown>) =>
    callSquare(options, {
      operation: 'SearchCatalogObjects',
      path: '/v2/catalog/search',
      schema: responseSchema,
      body,
    });
  return {
    tokenMerchantId() {
      tokenMerchant ??= callSquare(options, {
        operation: 'RetrieveMerchant',
        path: '/v2/merchants/me',
        schema: merchantSchema,
      }).then((answer) => answer.merchant.id);
      // A failed look-up is not remembered: the next message asks again.
      void tokenMerchant.catch(() => (tokenMerchant = undefined));
      return tokenMerchant;
    },
    async catalogPage(cursor) {
      const page = await search({
        object_types: ['ITEM', 'ITEM_VARIATION'],
        include_related_objects: true,
        limit: PAGE_LIMIT,
        ...(cursor !== null && { cursor }),
      });
      return { objects: page.objects ?? [], relatedObjects: page.related_objects ?? [], cursor: page.cursor ?? null };
    },
    async inventoryPage(cursor) {
      const page = await callSquare(options, {
        operation: 'BatchRetrieveInventoryCounts',
        path: '/v2/inventory/counts/batch-retrieve',
        schema: countsSchema,
        body: { limit: PAGE_LIMIT, ...(cursor !== null && { cursor }) },
      });
      return { counts: page.counts ?? [], cursor: page.cursor ?? null };
    },
    changedObjects: ({ beginTime }) => changedObjects(search, beginTime),
  };
}

interface SquareRequest<T> {
  readonly operation: string;
  readonly path: string;
  readonly schema: z.ZodType<T>;
  /** A POST's JSON body; a GET without. */
  readonly body?: Record<string, unknown>;
}

/** One Square API call: its answer parsed losslessly and validated, or a SquareApiError. */
async function callSquare<T>(options: SquareCatalogClientOptions, request: SquareRequest<T>): Promise<T> {
  const { operation, body } = request;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(new URL(request.path, options.baseUrl ?? SQUARE_API_BASE_URL), {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${await options.accessToken()}`,
        'square-version': SQUARE_API_VERSION,
        accept: 'application/json',
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
  } catch (error) {
    const message = `Square ${operation} could not be reached: ${(error as Error).message}`;
    throw new SquareApiError(0, message, [], { cause: error });
  }
  const json = await response.text().then((text) => {
    try {
      return parseLosslessJson(text);
    } catch {
      return undefined;
    }
  });
  const errors = errorsSchema.safeParse(json).data?.errors ?? [];
  const parsed = request.schema.safeParse(json);
  if (!response.ok || errors.length > 0 || !parsed.success) {
    const detail =
      errors.map((error) => error.detail ?? error.code).join('; ') ||
      (parsed.success ? 'no detail' : 'unreadable response');
    throw new SquareApiError(
      response.status,
      `Square ${operation} answered ${response.status}: ${detail}`,
      errors.map((error) => error.code ?? 'UNKNOWN'),
    );
  }
  return parsed.data;
}

/** Every page of objects changed after `beginTime`, along Square's cursor. */
async function* changedObjects(
  search: (body: Record<string, unknown>) => Promise<z.infer<typeof responseSchema>>,
  beginTime: string | undefined,
): AsyncIterable<CatalogPage> {
  let cursor: string | undefined;
  const seen = new Set<string>();
  do {
    const page = await search({
      object_types: ['ITEM', 'ITEM_VARIATION'],
      include_deleted_objects: true,
      include_related_objects: true,
      limit: PAGE_LIMIT,
      ...(beginTime !== undefined && { begin_time: beginTime }),
      ...(cursor !== undefined && { cursor }),
    });
    yield {
      objects: page.objects ?? [],
      relatedObjects: page.related_objects ?? [],
      latestTime: page.latest_time ?? null,
    };
    cursor = page.cursor ?? undefined;
    // A cursor seen before would loop forever.
    if (cursor !== undefined && seen.has(cursor))
      throw new SquareApiError(200, 'Square SearchCatalogObjects returned a cursor it had already returned');
    if (cursor !== undefined) seen.add(cursor);
  } while (cursor);
}
