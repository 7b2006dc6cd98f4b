import type { ItemOf, ListEndpoint, SkillWithOverrides } from '@parley/contract';
import { Fragment, type ReactNode, useCallback, useEffect, useState } from 'react';
import { toast } from '../../app/store.js';
import { api } from '../../lib/api.js';

/** A skill as `GET /api/v1/skills` returns it: `sla` and `autoClose` only where the skill overrides the account. */
export type SkillRow = SkillWithOverrides;
export type Sla = NonNullable<SkillRow['sla']>;
export type AutoClose = NonNullable<SkillRow['autoClose']>;

/** Every item of a list endpoint, and a function that reads it again. */
export function useList<E extends ListEndpoint>(endpoint: E): [ItemOf<E>[], () => void] {
  const [items, setItems] = useState<ItemOf<E>[]>([]);
  const load = useCallback(() => {
    // The list endpoints of the console take no path parameters.
    (api.all as (e: E) => Promise<{ items: ItemOf<E>[] }>)(endpoint).then(
      (r) => setItems(r.items),
      (e: Error) => toast(e.message, 'error'),
    );
  }, [endpoint]);
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
