import { describe, expect, it } from 'vitest';
import {
  createSquareCatalogClient,
  SquareApiError,
  SQUARE_API_VERSION,
  type CatalogPage,
} from '../../../shared/catalog/square-catalog-client';

interface Seen {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Record<string, unknown> | undefined;
}

/** A scripted fetch: answers in order, recording what was asked. */
function scriptedFetch(answers: (() => Response)[]): typeof fetch & { seen: Seen[] } {
  const seen: Seen[] = [];
  const fake = async (input: string | URL | Request, init?: RequestInit) => {
    seen.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: init?.headers as Record<string, string>,
      body: init?.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : undefined,
    });
    const answer = answers.shift();
    if (!answer) throw new Error('no scripted answer');
    return answer();
  };
  return Object.assign(fake as typeof fetch, { seen });
}

const jsonResponse = (status: number, text: string) => () =>
  new Response(text, { status, headers: { 'content-type': 'application/json' } });

async function collect(pages: AsyncIterable<CatalogPage>): Promise<CatalogPage[]> {
  const all: CatalogPage[] = [];
  for await (const page of pages) all.push(page);
  return all;
}

describe('Module: Square catalog client', () => {
  describe('Method: changedObjects', () => {
    it('follows cursors with the token and Square-Version, and keeps int64 values exact', async () => {
      const fetch = scriptedFetch([
        jsonResponse(
          200,
          '{"objects":[{"type":"ITEM","id":"A","version":9007199254740993}],' +
            '"cursor":"c2","latest_time":"2024-06-01T12:00:00Z"}',
        ),
        jsonResponse(200, '{"objects":[{"type":"ITEM","id":"B","version":1}],"latest_time":"2024-06-01T12:00:00Z"}'),
      ]);
      const client = createSquareCatalogClient({
        accessToken: async () => 'tok',
        baseUrl: 'http://127.0.0.1:9/',
        fetch,
      });
      const pages = await collect(client.changedObjects({ beginTime: '2024-06-01T00:00:00.000Z' }));
      expect(pages.map((page) => page.objects)).toEqual([
        [{ type: 'ITEM', id: 'A', version: '9007199254740993' }],
        [{ type: 'ITEM', id: 'B', version: 1 }],
      ]);
      expect(fetch.seen.map((request) => [request.method, request.url, request.body?.cursor ?? null])).toEqual([
        ['POST', 'http://127.0.0.1:9/v2/catalog/search', null],
        ['POST', 'http://127.0.0.1:9/v2/catalog/search', 'c2'],
      ]);
      expect(fetch.seen[0]!.headers).toMatchObject({
        authorization: 'Bearer tok',
        'square-version': SQUARE_API_VERSION,
        'content-type': 'application/json',
      });
      expect(fetch.seen[0]!.body).toMatchObject({
        begin_time: '2024-06-01T00:00:00.000Z',
        include_deleted_objects: true,
        include_related_objects: true,
        object_types: ['ITEM', 'ITEM_VARIATION'],
      });
    });

    it('fails on an error status, an unreadable body, errors in a 200, an unreachable host, and a repeated \
cursor', async () => {
      const run = (answers: (() => Response)[]) =>
        collect(
          createSquareCatalogClient({ accessToken: async () => 'tok', fetch: scriptedFetch(answers) }).changedObjects(
            {},
          ),
        );
      await expect(
        run([jsonResponse(500, '{"errors":[{"code":"INTERNAL_SERVER_ERROR","detail":"boom"}]}')]),
      ).rejects.toMatchObject({ name: 'SquareApiError', status: 500, codes: ['INTERNAL_SERVER_ERROR'] });
      await expect(run([jsonResponse(502, '<html>bad gateway</html>')])).rejects.toThrow(
        /answered 502: unreadable response/,
      );
      await expect(run([jsonResponse(200, '{"errors":[{"code":"RATE_LIMITED"}]}')])).rejects.toMatchObject({
        status: 200,
        codes: ['RATE_LIMITED'],
      });
      await expect(
        run([
          () => {
            throw new TypeError('fetch failed');
          },
        ]),
      ).rejects.toMatchObject({ status: 0 });
      await expect(
        run([jsonResponse(200, '{"objects":[],"cursor":"same"}'), jsonResponse(200, '{"objects":[],"cursor":"same"}')]),
      ).rejects.toThrow(SquareApiError);
    });
  });

  describe('Method: tokenMerchantId', () => {
    it('asks once and remembers, but does not remember a failure', async () => {
      const fetch = scriptedFetch([jsonResponse(503, '{}'), jsonResponse(200, '{"merchant":{"id":"M1"}}')]);
      const client = createSquareCatalogClient({ accessToken: async () => 'tok', fetch });
      await expect(client.tokenMerchantId()).rejects.toThrow(SquareApiError);
      expect(await client.tokenMerchantId()).toBe('M1');
      expect(await client.tokenMerchantId()).toBe('M1');
      expect(fetch.seen.map((request) => [request.method, new URL(request.url).pathname])).toEqual([
        ['GET', '/v2/merchants/me'],
        ['GET', '/v2/merchants/me'],
      ]);
    });
  });
});
