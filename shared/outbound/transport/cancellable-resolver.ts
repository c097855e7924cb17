import { promises as dns } from 'node:dns';
import type { ResolvedAddress, Resolver } from './dial-target';
import { DEFAULT_DNS_TIMEOUT_MS } from '../../platform/delivery-defaults';

/**
 * Resolution that cannot stall other tenants' deliveries. `dns.lookup` runs getaddrinfo on libuv's
 * four shared threads and cannot be cancelled, so one tenant whose DNS server never answers could
 * occupy them and delay every other attempt in the process. This asks DNS directly (c-ares, no
 * thread pool) for A and AAAA records, with its own budget; when the budget runs out the queries are
 * cancelled and the attempt fails as the endpoint's own `dns_failure`.
 *
 * /etc/hosts is not consulted: endpoints are public hosts, and `localhost` (RFC 6761) is answered here.
 */

export { DEFAULT_DNS_TIMEOUT_MS };

export interface CancellableResolverOptions {
  /** Whole budget for one host's resolution. */
  readonly timeoutMs?: number;
  /** DNS servers (`ip` or `ip:port`); the system's by default. Tests point this at a loopback server. */
  readonly servers?: readonly string[];
}

export class DnsTimeoutError extends Error {
  readonly code = 'ETIMEOUT';
}

const LOCALHOST: readonly ResolvedAddress[] = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
];

export function cancellableResolver(options: CancellableResolverOptions = {}): Resolver {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DNS_TIMEOUT_MS;
  return async (hostname) => {
    const name = hostname.replace(/\.$/, '').toLowerCase();
    if (name === 'localhost' || name.endsWith('.localhost')) return LOCALHOST;
    // One resolver per lookup, so cancelling it cancels this host's queries and nobody else's.
    const resolver = new dns.Resolver({ timeout: Math.max(1, Math.floor(timeoutMs / 2)), tries: 1 });
    if (options.servers) resolver.setServers([...options.servers]);
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        resolver.cancel();
        reject(new DnsTimeoutError(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([addressesOf(resolver, name), budget]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** A and AAAA asked together; a host with either kind resolves, one with neither fails with the A error. */
async function addressesOf(resolver: dns.Resolver, name: string): Promise<ResolvedAddress[]> {
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
  const addresses = [
    ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 })) : []),
    ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 })) : []),
  ];
  if (addresses.length > 0) return addresses;
  if (v4.status === 'rejected') throw v4.reason;
  if (v6.status === 'rejected') throw v6.reason;
  return addresses;
}
