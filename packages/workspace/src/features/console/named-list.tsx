import { type FormEvent, type ReactNode, useState } from 'react';
import { toast } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
import { ApiError } from '../../lib/api.js';
import { type FieldErrors, FormSubmit, useSubmit } from './forms.js';
import { EditAndNew } from './list.js';
import { ConsoleTable } from './table.js';

/** A row of a manager-defined list (skills, status reasons, dispositions, labels): named, renamed, deleted. */
export interface NamedRow {
  id: string;
  name: string;
}

/**
 * A console screen over a named list: the table (the name, the `columns` given, Edit and Delete),
 * then the form of the row being edited and the form for a new one.
 */
export function NamedListScreen<T extends NamedRow>(props: {
  id: string;
  title: string;
  intro?: ReactNode;
  /** The table's name, e.g. "Status reasons". */
  label: string;
  /** The question before a row is deleted ("Delete the label Billing?"). */
  confirmDelete: (row: T) => string;
  rows: T[];
  reload: () => void;
  columns: { header: string; cell: (row: T) => ReactNode }[];
  remove: (row: T) => Promise<unknown>;
  newTitle: string;
  form: (row: T | undefined, onDone: () => void) => ReactNode;
  empty: string;
  children?: ReactNode;
}) {
  const { id, title, intro, label, confirmDelete, rows, reload, columns, remove, newTitle, form, empty, children } = props;
  const t = useT();
  const [editing, setEditing] = useState<string | null>(null);
  async function onDelete(row: T) {
    if (!confirm(confirmDelete(row))) return;
    try {
      await remove(row);
      if (editing === row.id) setEditing(null);
      reload();
    } catch (e) {
      toast((e as Error).message, 'error');
    }
  }
  return (
    <section aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {intro ? <p className="muted hint">{intro}</p> : null}
      {rows.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <div className="table-scroll">
          <ConsoleTable label={label} columns={[t('console.named.name'), ...columns.map((c) => c.header)]} actions>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>{r.name}</td>
                {columns.map((c) => (
                  <td key={c.header} data-label={c.header}>
                    {c.cell(r)}
                  </td>
                ))}
                <td className="actions">
                  <button
                    type="button"
                    className="button"
                    onClick={() => setEditing(editing === r.id ? null : r.id)}
                    aria-label={t('console.named.editRow', { name: r.name })}
                  >
                    {t('console.named.edit')}
                  </button>{' '}
                  <button type="button" className="button" onClick={() => void onDelete(r)} aria-label={t('console.named.deleteRow', { name: r.name })}>
                    {t('console.named.delete')}
                  </button>
                </td>
              </tr>
            ))}
          </ConsoleTable>
        </div>
      )}
      <EditAndNew rows={rows} editing={editing} setEditing={setEditing} reload={reload} newTitle={newTitle} form={form} />
      {children}
    </section>
  );
}

/** A 409 (the name is taken) is about the name field: shown beside it, not only below the form. */
function nameTaken(err: unknown): never {
  if (err instanceof ApiError && err.status === 409 && !err.problem.errors?.length) {
    throw new ApiError(409, { ...err.problem, errors: [{ path: 'body.name', message: err.message }] }, err.message);
  }
  throw err;
}

/**
 * The form of a named row: `fields` (given the API's errors), saved by `save` (create or
 * rename); a new row's form starts empty again once created.
 */
export function NamedForm(props: {
  label: string;
  submit: string;
  saved: string;
  save: () => Promise<unknown>;
  reset?: () => void;
  onDone: () => void;
  fields: (errors: FieldErrors) => ReactNode;
}) {
  const { label, submit, saved, save, reset, onDone, fields } = props;
  const [errors, busy, run] = useSubmit();
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (await run(() => save().catch(nameTaken), saved)) {
      reset?.();
      onDone();
    }
  }
  return (
    <form className="console-form" onSubmit={onSubmit} aria-label={label} noValidate>
      {fields(errors)}
      <FormSubmit errors={errors} busy={busy}>
        {submit}
      </FormSubmit>
    </form>
  );
}
