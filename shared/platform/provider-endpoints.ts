import * as z from 'zod';
import { ConfigurationError } from './errors';
import { ENV } from './topology';

/**
 * Where the provider API clients (Stripe, Square) connect. In AWS nothing is set and each client's
 * default (the provider's public API) applies. Like `AWS_ENDPOINT_URL_<SERVICE>` for the AWS clients
 * (./aws/clients.ts), an endpoint variable points a client elsewhere: the local runtime and the
 * integration tests point it at a simulator on loopback. It is read here, beside the clients, not in
 * the functions' config.
 */

const VARIABLES = { stripe: ENV.stripeApiBaseUrl, square: ENV.squareApiBaseUrl } as const;

const endpointUrl = z.url({ protocol: /^https?$/ });

export function providerEndpoint(
  provider: keyof typeof VARIABLES,
  env: NodeJS.ProcessEnv = process.env,
): URL | undefined {
  const variable = VARIABLES[provider];
  const value = env[variable]?.trim();
  if (!value) return undefined;
  const checked = endpointUrl.safeParse(value);
  if (!checked.success) throw new ConfigurationError(`Environment variable ${variable} is not an http(s) URL`);
  return new URL(checked.data);
}
