import { splitSecretList, type SecretLocation } from './config';
import { ConfigurationError } from './errors';

/**
 * A list of secrets (several while one is being rolled) read from the environment or from Secrets
 * Manager. Secrets Manager values are cached; `refresh()` re-reads at most once per
 * `minRefreshIntervalMs`, so a rotation is picked up without a redeploy while a flood of badly
 * signed requests cannot turn into a flood of Secrets Manager calls.
 */
export interface SecretList {
  current(): Promise<readonly string[]>;
  /** Re-reads the secret if allowed; resolves to the new list, or undefined when nothing changed. */
  refresh(): Promise<readonly string[] | undefined>;
}

/** The secret to sign or authenticate with now: the first listed (the others are accepted while one is rolled). */
export function firstSecret(list: SecretList): () => Promise<string> {
  return async () => (await list.current())[0] as string;
}

/** Reads a secret's current string from Secrets Manager (the SDK's client, or the lean one on the ingest path). */
export type SecretReader = (secretId: string) => Promise<string | undefined>;

export interface SecretListOptions {
  readonly location: SecretLocation;
  readonly read?: SecretReader;
  readonly maxAgeMs?: number;
  readonly minRefreshIntervalMs?: number;
  readonly now?: () => number;
}

const DEFAULT_MAX_AGE_MS = 5 * 60_000;
const DEFAULT_MIN_REFRESH_INTERVAL_MS = 30_000;

export function createSecretList(options: SecretListOptions): SecretList {
  const { location } = options;
  if (location.kind === 'value') {
    const values = splitSecretList(location.value);
    return { current: async () => values, refresh: async () => undefined };
  }
  const now = options.now ?? Date.now;
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const minRefreshIntervalMs = options.minRefreshIntervalMs ?? DEFAULT_MIN_REFRESH_INTERVAL_MS;
  const { secretId } = location;
  if (options.read === undefined)
    throw new ConfigurationError(`A Secrets Manager reader is needed to read ${secretId}`);
  const read: SecretReader = options.read;
  let cached: { values: readonly string[]; readAt: number } | undefined;

  async function fetchValues(): Promise<readonly string[]> {
    const values = splitSecretList((await read(secretId)) ?? '');
    if (values.length === 0) throw new ConfigurationError(`Secret ${secretId} is empty`);
    cached = { values, readAt: now() };
    return values;
  }

  return {
    async current() {
      if (cached && now() - cached.readAt < maxAgeMs) return cached.values;
      return fetchValues();
    },
    async refresh() {
      if (cached && now() - cached.readAt < minRefreshIntervalMs) return undefined;
      const before = cached?.values.join(',');
      const values = await fetchValues();
      return values.join(',') === before ? undefined : values;
    },
  };
}
