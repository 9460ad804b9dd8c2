import { create } from 'zustand';
import type { ProfileQuery, Selection } from '../../src-shared/contract/profiles';

/** UI state only: where the admin is, what the list shows, what is ticked. Data stays in the database. */
export type Route =
  /** Before the console knows whether the directory has profiles (see startRoute). */
  | { page: 'start' }
  | { page: 'dashboard' }
  | { page: 'profiles' }
  | { page: 'profile'; id: string }
  | { page: 'new-profile' }
  | { page: 'import' }
  | { page: 'invites' }
  | { page: 'conflicts' }
  | { page: 'settings' }
  /** The Server section's pages read from the server (features/org). */
  | { page: 'admins' }
  | { page: 'organisation' }
  | { page: 'catalogues' }
  | { page: 'rules' }
  | { page: 'scim' }
  | { page: 'audit' }
  | { page: 'sso' }
  | { page: 'signup' }
  | { page: 'importSources' }
  | { page: 'account' };

/** Where the console opens: the Dashboard once there are profiles; with none, Profiles, whose empty state offers to create or import. */
export const startRoute = (profiles: number): Route => (profiles > 0 ? { page: 'dashboard' } : { page: 'profiles' });

export type Ticked = { mode: 'ids'; ids: ReadonlySet<string> } | { mode: 'all'; except: ReadonlySet<string> };

interface UiState {
  route: Route;
  query: ProfileQuery;
  ticked: Ticked;
  navigate: (route: Route) => void;
  setQuery: (patch: Partial<ProfileQuery>) => void;
  toggle: (id: string) => void;
  selectAllResults: () => void;
  clearSelection: () => void;
  /** Another organisation is open: nothing of the last one's view applies (its page, search or ticks). */
  startAfresh: () => void;
}

const none: Ticked = { mode: 'ids', ids: new Set() };

export const useUi = create<UiState>()((set) => ({
  route: { page: 'start' },
  query: { sort: { by: 'name', dir: 'asc' } },
  ticked: none,
  navigate: (route) => {
    set({ route });
  },
  // A new search or filter is a new set of results: what was ticked no longer applies.
  setQuery: (patch) => {
    set((s) => ({ query: { ...s.query, ...patch }, ticked: none }));
  },
  toggle: (id) => {
    set((s) => {
      if (s.ticked.mode === 'ids') {
        const ids = new Set(s.ticked.ids);
        if (ids.has(id)) ids.delete(id);
        else ids.add(id);
        return { ticked: { mode: 'ids', ids } };
      }
      const except = new Set(s.ticked.except);
      if (except.has(id)) except.delete(id);
      else except.add(id);
      return { ticked: { mode: 'all', except } };
    });
  },
  selectAllResults: () => {
    set({ ticked: { mode: 'all', except: new Set() } });
  },
  clearSelection: () => {
    set({ ticked: none });
  },
  startAfresh: () => {
    set({ route: { page: 'dashboard' }, query: { sort: { by: 'name', dir: 'asc' } }, ticked: none });
  },
}));

export const isTicked = (ticked: Ticked, id: string): boolean => (ticked.mode === 'ids' ? ticked.ids.has(id) : !ticked.except.has(id));

/** The selection as list actions receive it. */
export const toSelection = (ticked: Ticked, query: ProfileQuery): Selection =>
  ticked.mode === 'ids' ? { kind: 'ids', ids: [...ticked.ids] } : { kind: 'query', query, except: [...ticked.except] };
