import { Fragment, type ReactNode, useCallback, useEffect, useState } from 'react';
import { toast } from '../../app/store.js';
import { api } from '../../lib/api.js';

export type Sla = { defaultSec?: number; firstTimeSec?: number; urgentSec?: number };
export type AutoClose = { enabled?: boolean; afterSec?: number };

/** A skill as `GET /api/v1/skills` returns it: `sla` and `autoClose` only where the skill overrides the account. */
export interface SkillRow {
  id: string;
  name: string;
  description: string;
  sla?: Sla;
  autoClose?: AutoClose;
}

export function useList<T>(path: string): [T[], () => void] {
  const [items, setItems] = useState<T[]>([]);
  const load = useCallback(() => {
    api.getAll<T>(path).then(
      (r) => setItems(r.items),
      (e: Error) => toast(e.message, 'error'),
    );
  }, [path]);
  useEffect(load, [load]);
  return [items, load];
}

/**
 * Below a list: the form for the row being edited (keyed by its id, so it starts afresh for each
 * row; once saved it closes and the list reloads), then the form for a new row.
 */
export function EditAndNew<T extends { id: string }>(props: {
  rows: T[];
  editing: string | null;
  setEditing: (id: string | null) => void;
  reload: () => void;
  newTitle: string;
  form: (row: T | undefined, onDone: () => void) => ReactNode;
}) {
  const { rows, editing, setEditing, reload, newTitle, form } = props;
  return (
    <>
      {editing ? (
        <Fragment key={editing}>
          {form(
            rows.find((r) => r.id === editing),
            () => {
              setEditing(null);
              reload();
            },
          )}
        </Fragment>
      ) : null}
      <h4>{newTitle}</h4>
      {form(undefined, reload)}
    </>
  );
}
