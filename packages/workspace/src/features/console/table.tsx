import type { ReactNode } from 'react';

/**
 * A console table: a header row of `columns` and the rows given as children. With `actions`, a
 * last column holds each row's buttons; its header is for screen readers only.
 */
export function ConsoleTable({ label, columns, actions = false, children }: { label: string; columns: string[]; actions?: boolean; children: ReactNode }) {
  return (
    <table className="console-table" aria-label={label}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c}>{c}</th>
          ))}
          {actions ? (
            <th>
              <span className="sr-only">Actions</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
