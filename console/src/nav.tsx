import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/**
 * Navigation inside the webhooks pages. The console routes on the address's hash; the embedded portal
 * keeps its route in memory (the host page owns the address), so links ask this context to navigate.
 */

export type Navigate = (to: string) => void;

export const Nav = createContext<Navigate | null>(null);

export function Link({ to, children, class: className }: { to: string; children: ComponentChildren; class?: string }) {
  const navigate = useContext(Nav);
  return (
    <a
      href={`#${to}`}
      class={className}
      onClick={(event) => {
        if (!navigate) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

export function useNavigate(): Navigate {
  const navigate = useContext(Nav);
  return navigate ?? ((to: string) => void (location.hash = to));
}

/** `/webhooks/ep_1/log` → ['webhooks', 'ep_1', 'log']; the query part after `?` as params. */
export function parseRoute(route: string): { parts: string[]; params: URLSearchParams } {
  const [path = '', search = ''] = route.replace(/^#/, '').split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(search) };
}
