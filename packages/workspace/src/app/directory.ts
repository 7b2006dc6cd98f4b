import { useEffect, useState } from 'react';
import { api } from '../lib/api.js';
import type { Directory, DirectoryAgent, DirectorySkill } from '../lib/types.js';
import { store } from './store.js';

/** The whole directory (every page: skills first, then agents), optionally filtered by `q`. */
export async function fetchDirectory(q = ''): Promise<Directory> {
  const r = await api.all('GET /api/v1/directory', { query: { q: q || undefined } });
  return {
    skills: r.items.filter((e): e is DirectorySkill => e.kind === 'skill'),
    agents: r.items.filter((e): e is DirectoryAgent => e.kind === 'agent'),
  };
}

/** The account's skills and agents, fetched once per sign-in: names for senders, "why me" and @mentions. */
let cached: { token: string; promise: Promise<Directory> } | null = null;

export function loadDirectory(): Promise<Directory> {
  const token = store.get().session?.token ?? '';
  if (!cached || cached.token !== token) {
    const promise = fetchDirectory().catch(() => ({ skills: [], agents: [] }) as Directory);
    cached = { token, promise };
  }
  return cached.promise;
}

export function useDirectory(): Directory | null {
  const [dir, setDir] = useState<Directory | null>(null);
  useEffect(() => {
    let live = true;
    void loadDirectory().then((d) => live && setDir(d));
    return () => {
      live = false;
    };
  }, []);
  return dir;
}

/** Display name of a user id: "You" for the signed-in agent. */
export function nameOf(dir: Directory | null, id: string | null): string {
  if (!id) return 'System';
  const me = store.get().session?.user;
  if (me && me.id === id) return 'You';
  return dir?.agents.find((a) => a.id === id)?.displayName ?? 'Agent';
}
