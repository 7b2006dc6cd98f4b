import type { Label } from '@parley/contract';
import { useEffect, useState } from 'react';
import { t } from '../i18n/index.js';
import { api } from '../lib/api.js';
import { store, toast } from './store.js';

/** The account's labels, fetched once per sign-in (and again after the console changes them). */
let cached: { token: string; promise: Promise<Label[]> } | null = null;
const listeners = new Set<() => void>();

export function loadLabels(): Promise<Label[]> {
  const token = store.get().session?.token ?? '';
  if (!cached || cached.token !== token) {
    const promise = api.all('GET /api/v1/labels').then(
      (r) => r.items,
      () => [],
    );
    cached = { token, promise };
  }
  return cached.promise;
}

/** After the console added, renamed, recoloured or deleted a label: the chips and filters read them again. */
export function forgetLabels(): void {
  cached = null;
  for (const l of [...listeners]) l();
}

export function useLabels(): Label[] {
  const [labels, setLabels] = useState<Label[]>([]);
  const [n, setN] = useState(0);
  useEffect(() => {
    const bump = () => setN((x) => x + 1);
    listeners.add(bump);
    return () => {
      listeners.delete(bump);
    };
  }, []);
  useEffect(() => {
    let live = true;
    void n;
    void loadLabels().then((l) => live && setLabels(l));
    return () => {
      live = false;
    };
  }, [n]);
  return labels;
}

/**
 * The conversation's labels become `labelIds` (`PUT /api/v1/conversations/{id}/labels`); its row
 * in the Active list shows them at once. Returns the saved set, or null when the API refused.
 */
export async function saveLabels(conversationId: string, labelIds: string[]): Promise<string[] | null> {
  try {
    const saved = (await api.call('PUT /api/v1/conversations/{id}/labels', { params: { id: conversationId }, body: { labelIds } })).labelIds;
    store.set((s) => {
      const row = s.active[conversationId];
      return row ? { active: { ...s.active, [conversationId]: { ...row, labels: saved } } } : {};
    });
    return saved;
  } catch (e) {
    toast(t('labels.saveFailed', { error: (e as Error).message }), 'error');
    return null;
  }
}
