/**
 * Whose webhooks a page shows: an organisation's endpoints (`org_123`) or a Commerce Gateway
 * merchant's one federation webhook (`merchant:m_1`). Pages ask here for a path and get null where
 * the owner has no such operation (a merchant has no test send or resend), so the control is hidden.
 */

export type Owner = { readonly kind: 'org'; readonly id: string } | { readonly kind: 'merchant'; readonly id: string };

export function parseOwner(text: string): Owner | null {
  const value = text.trim();
  const merchant = /^merchant:(.+)$/.exec(value);
  if (merchant?.[1]) return { kind: 'merchant', id: merchant[1] };
  return value ? { kind: 'org', id: value } : null;
}

const enc = encodeURIComponent;

export function query(params: Record<string, string | number | undefined | null>): string {
  const entries = Object.entries(params).filter(
    (entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== null && entry[1] !== '',
  );
  return entries.length === 0
    ? ''
    : `?${new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
}

export function ownerPaths(owner: Owner) {
  if (owner.kind === 'org') {
    const base = `/v1/orgs/${enc(owner.id)}/webhooks`;
    const endpoint = (id: string) => `${base}/endpoints/${enc(id)}`;
    return {
      kind: 'org' as const,
      list: `${base}/endpoints`,
      create: { method: 'POST', path: `${base}/endpoints` },
      endpoint,
      update: (id: string) => ({ method: 'PATCH', path: endpoint(id) }),
      attempts: (id: string) => `${endpoint(id)}/attempts`,
      stats: (id: string) => `${endpoint(id)}/stats`,
      orgStats: `${base}/stats` as string | null,
      rotate: (id: string) => `${endpoint(id)}/secret/rotate`,
      test: (id: string) => `${endpoint(id)}/test` as string | null,
      recover: (id: string) => `${endpoint(id)}/recover`,
      recovery: (recoveryId: string) => `${base}/recoveries/${enc(recoveryId)}`,
      message: (messageId: string) => `${base}/messages/${enc(messageId)}`,
      resend: (messageId: string) => `${base}/messages/${enc(messageId)}/resend` as string | null,
    };
  }
  const base = `/v1/merchants/${enc(owner.id)}/webhook`;
  return {
    kind: 'merchant' as const,
    list: base,
    create: { method: 'PUT', path: base },
    endpoint: (_id?: string) => base,
    update: (_id?: string) => ({ method: 'PUT', path: base }),
    attempts: (_id?: string) => `${base}/attempts`,
    stats: (_id?: string) => `${base}/stats`,
    orgStats: null as string | null,
    rotate: (_id?: string) => `${base}/secret/rotate`,
    test: (_id?: string) => null as string | null,
    recover: (_id?: string) => `${base}/recover`,
    recovery: (recoveryId: string) => `${base}/recoveries/${enc(recoveryId)}`,
    message: (messageId: string) => `${base}/messages/${enc(messageId)}`,
    resend: (_messageId?: string) => null as string | null,
  };
}

export type OwnerPaths = ReturnType<typeof ownerPaths>;
