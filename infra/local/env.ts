import { ENDPOINT_SECRETS_KEY, ENV, SECRETS, type SecretName } from '../../shared/platform/topology';
import { LOCAL_EVENT_PUBLISHERS } from './iam';
import { LOCAL_ENV, localRouteUrls, type LocalSettings } from './settings';

/**
 * The environment the functions see locally: the emulators' endpoints and resource names, secret
 * values in place of Secrets Manager ARNs, the public URL of routes with a `urlEnvVar`
 * (SQUARE_NOTIFICATION_URL), and development switches. Variables mapped to undefined are removed
 * (AWS_PROFILE, AWS_SESSION_TOKEN, the KMS key id: nothing local may reach a real account).
 */

export const LOCAL_SWITCHES: Readonly<Record<string, string>> = {
  POWERTOOLS_DEV: 'true',
};

export interface FunctionEnvInput {
  readonly emulatorEnv: Record<string, string>;
  readonly settings: LocalSettings;
  /** The local gateway's base URL, e.g. `http://127.0.0.1:3000`; routes with a `urlEnvVar` hang off it. */
  readonly gatewayUrl: string;
  readonly quiet: boolean;
  /** What is already set (process.env); defaults apply only where the user set nothing. */
  readonly current: Record<string, string | undefined>;
  readonly overrides: Record<string, string>;
}

export function buildFunctionEnv(input: FunctionEnvInput): Record<string, string | undefined> {
  const { settings, current, overrides } = input;
  const secretValues = Object.fromEntries(
    (Object.entries(settings.secrets) as [SecretName, readonly string[]][]).map(([name, values]) => [
      SECRETS[name].valueEnvVar,
      values.join(','),
    ]),
  );
  const userSet = (name: string) => current[name] !== undefined || overrides[name] !== undefined;
  const defaults: Record<string, string> = {
    POWERTOOLS_METRICS_DISABLED: 'true',
    // The SDK warns on every process that Node 20 support ends in 2027; Lambda runs Node 24.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...(input.quiet ? { POWERTOOLS_LOG_LEVEL: 'WARN' } : {}),
    // The local token's role may publish every event type unless the user narrows it (a JSON allowlist).
    [ENV.eventPublishers]: LOCAL_EVENT_PUBLISHERS,
  };
  return {
    AWS_PROFILE: undefined,
    AWS_SESSION_TOKEN: undefined,
    // A KMS key id would win over the local key: endpoint secrets never go to a real KMS from a laptop.
    [ENDPOINT_SECRETS_KEY.kmsKeyIdEnvVar]: undefined,
    ...Object.fromEntries(Object.entries(defaults).filter(([name]) => !userSet(name))),
    ...input.emulatorEnv,
    ...LOCAL_SWITCHES,
    // The development defaults (plain-http loopback endpoints) only where the user set nothing.
    ...Object.fromEntries(Object.entries(settings.outbound).map(([name, setting]) => [name, setting.value])),
    ...secretValues,
    // What the user set (SQUARE_NOTIFICATION_URL behind a tunnel), else the route on this gateway.
    ...localRouteUrls(input.gatewayUrl, { ...current, ...overrides }),
    [ENDPOINT_SECRETS_KEY.localKeyEnvVar]: settings.endpointSecretsLocalKey,
    [LOCAL_ENV.internalApiToken]: settings.internalApiToken,
    ...overrides,
  };
}

/** Applies variables to process.env and returns a function that restores what was there before. */
export function applyEnv(vars: Record<string, string | undefined>): () => void {
  const previous = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(vars)) {
    previous.set(name, process.env[name]);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
