import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths';

/**
 * What the loopback AWS stub holds so the cold-start bench's ingest functions answer a real, verified
 * first event instead of a rejection: a Square merchant connection naming the notification URL its
 * events are signed for (read by the Square receiver when the configured URL does not match), and a
 * signed source whose secret is stored "KMS-encrypted" (the stub's KMS Decrypt hands the blob back,
 * so the blob is the secret's bytes). Every secret the stub's Secrets Manager returns is the one
 * secret value the bench starts it with (Stripe's, used by Square and Shopify too).
 */

export const BENCH_SQUARE_URL = 'https://hooks.bench.example.com/webhooks/square';
export const BENCH_SOURCE_ID = 'bench-source';
/** A fixed Standard Webhooks secret (32 bytes), so every process verifies with the same key. */
export const BENCH_SOURCE_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

export function benchFixture(name: string): string {
  return readFileSync(join(REPO_ROOT, 'test', 'fixtures', name), 'utf8');
}

export const squareMerchantOf = (body: string) => (JSON.parse(body) as { merchant_id: string }).merchant_id;

/** Items by `pk` in the connections table's layout (shared/inbound/connections/connections-store.ts). */
export function benchItems(): Record<string, Record<string, unknown>> {
  const merchant = squareMerchantOf(benchFixture('square.inventory.count.updated.json'));
  const at = '2026-01-01T00:00:00.000Z';
  return {
    [`ACCOUNT#square#${merchant}`]: {
      pk: `ACCOUNT#square#${merchant}`,
      sk: 'ORG',
      provider: 'square',
      orgId: 'org_bench',
      account: merchant,
      notificationUrl: BENCH_SQUARE_URL,
      connectedAt: at,
    },
    [`SOURCE#${BENCH_SOURCE_ID}`]: {
      pk: `SOURCE#${BENCH_SOURCE_ID}`,
      sk: 'SOURCE',
      sourceId: BENCH_SOURCE_ID,
      orgId: 'org_bench',
      secrets: [`kms:v1:${Buffer.from(BENCH_SOURCE_SECRET).toString('base64')}`],
      createdAt: at,
      updatedAt: at,
    },
  };
}
