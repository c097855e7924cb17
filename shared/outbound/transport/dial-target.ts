import { classifyAddress, type IpPolicy } from './ip-policy';
import { parseIp } from '../../platform/net/ip-address';

/**
 * Turns an endpoint's host into the one address we will dial, after checking every address it
 * resolves to. The caller connects to exactly this address (never to the name), so a second DNS
 * answer — DNS rebinding — cannot swap in an address that was not checked.
 */

export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** Resolves a host name; injectable so tests never touch real DNS. */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export type DialTarget =
  | {
      readonly ok: true;
      readonly address: string;
      /** The host was an IP literal, not a name. */ readonly literal: boolean;
    }
  | { readonly ok: false; readonly error: 'dns_failure' | 'ssrf_blocked' | 'timeout'; readonly message: string };

/**
 * `hostname` is a WHATWG `URL#hostname`: IPv6 literals keep their brackets. Resolution is raced
 * against `signal` (a resolver that cannot be cancelled has its late answer ignored).
 */
export async function resolveDialTarget(
  hostname: string,
  policy: IpPolicy,
  resolver: Resolver,
  signal: AbortSignal,
): Promise<DialTarget> {
  const literal = parseIp(hostname);
  let addresses: readonly ResolvedAddress[];
  if (literal) {
    addresses = [{ address: hostname.replace(/^\[|\]$/g, ''), family: literal.version }];
  } else {
    try {
      addresses = await untilAborted(resolver(hostname), signal);
    } catch (error) {
      if (signal.aborted)
        return { ok: false, error: 'timeout', message: `Resolving ${hostname} did not finish in time` };
      return { ok: false, error: 'dns_failure', message: `Could not resolve ${hostname}: ${describe(error)}` };
    }
    if (addresses.length === 0)
      return { ok: false, error: 'dns_failure', message: `${hostname} resolved to no addresses` };
  }

  // Any blocked answer refuses the whole host: dialling only the "good" ones would still let a
  // tenant aim us at internal addresses whenever the good one fails over.
  for (const { address } of addresses) {
    const verdict = classifyAddress(address, policy);
    if (!verdict.allowed) {
      const name = literal ? '' : ` to ${hostname}`;
      return { ok: false, error: 'ssrf_blocked', message: `Refused to connect${name}: ${verdict.reason}` };
    }
  }
  const [first] = addresses;
  if (!first) return { ok: false, error: 'dns_failure', message: `${hostname} resolved to no addresses` };
  return { ok: true, address: first.address, literal: literal !== undefined };
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function describe(error: unknown): string {
  if (error instanceof Error)
    return 'code' in error && typeof error.code === 'string' ? `${error.code} (${error.message})` : error.message;
  return String(error);
}
