import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api';
import type { Owner, OwnerPaths } from './owner';

/** What every page needs: the API client, whose data it shows, and whether to offer write controls. */
export interface PageContext {
  readonly api: Api;
  readonly owner: Owner;
  readonly paths: OwnerPaths;
  /** Admins see write controls; members do not (the API refuses them anyway). */
  readonly canWrite: boolean;
}

export const Page = createContext<PageContext | null>(null);

export function usePage(): PageContext {
  const page = useContext(Page);
  if (!page) throw new Error('usePage outside <Page.Provider>');
  return page;
}
