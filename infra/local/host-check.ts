/**
 * The local gateway answers only requests addressed to it by a loopback name and its own port, so a
 * web page that rebinds its DNS name to 127.0.0.1 cannot drive it with the public development
 * secrets: its requests carry the page's host name and get 421 Misdirected Request. Host names the
 * user lists in LOCAL_ALLOWED_HOSTS (a tunnel's, e.g. `abc.ngrok.app`) are accepted with or without
 * a port.
 */

export function loopbackHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
}

export function isAllowedHost(hostHeader: string | undefined, port: number, extraHosts: readonly string[]): boolean {
  const host = hostHeader?.trim().toLowerCase();
  if (!host) return false;
  if (loopbackHosts(port).includes(host)) return true;
  const withoutPort = host.replace(/:\d+$/, '');
  return extraHosts.some((extra) => {
    const allowed = extra.trim().toLowerCase();
    return allowed.length > 0 && (allowed === host || allowed === withoutPort);
  });
}

/** `LOCAL_ALLOWED_HOSTS`: comma-separated host names (or host:port) the gateway also answers. */
export function parseAllowedHosts(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part.length > 0);
}
