import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../shared/platform/errors';
import { createSecretList } from '../../../shared/platform/secrets';

function fakeSecretsManager(values: string[]) {
  const calls: string[] = [];
  const read = async (secretId: string) => {
    calls.push(secretId);
    return values[Math.min(calls.length - 1, values.length - 1)];
  };
  return { read, calls };
}

describe('Function: createSecretList', () => {
  it('splits an environment value into the secrets accepted while rolling', async () => {
    const secrets = createSecretList({ location: { kind: 'value', value: ' whsec_a , whsec_b,' } });
    expect(await secrets.current()).toEqual(['whsec_a', 'whsec_b']);
    expect(await secrets.refresh()).toBeUndefined();
  });

  it('caches a Secrets Manager value and re-reads it after max age', async () => {
    let now = 0;
    const { read, calls } = fakeSecretsManager(['whsec_a', 'whsec_b']);
    const secrets = createSecretList({
      location: { kind: 'secretsManager', secretId: 'arn:secret' },
      read,
      now: () => now,
      maxAgeMs: 1_000,
    });
    expect(await secrets.current()).toEqual(['whsec_a']);
    now = 999;
    expect(await secrets.current()).toEqual(['whsec_a']);
    now = 1_000;
    expect(await secrets.current()).toEqual(['whsec_b']);
    expect(calls).toEqual(['arn:secret', 'arn:secret']);
  });

  it('refreshes at most once per interval, and reports only a changed value', async () => {
    let now = 0;
    const { read, calls } = fakeSecretsManager(['whsec_a', 'whsec_a', 'whsec_new']);
    const secrets = createSecretList({
      location: { kind: 'secretsManager', secretId: 'arn:secret' },
      read,
      now: () => now,
      minRefreshIntervalMs: 30_000,
    });
    await secrets.current();
    expect(await secrets.refresh()).toBeUndefined();
    expect(calls).toHaveLength(1);
    now = 30_000;
    expect(await secrets.refresh()).toBeUndefined();
    now = 60_000;
    expect(await secrets.refresh()).toEqual(['whsec_new']);
    expect(calls).toHaveLength(3);
  });

  it('fails clearly on an empty secret', async () => {
    const { read } = fakeSecretsManager(['  ']);
    const secrets = createSecretList({ location: { kind: 'secretsManager', secretId: 'arn:empty' }, read });
    await expect(secrets.current()).rejects.toThrow(ConfigurationError);
  });
});
