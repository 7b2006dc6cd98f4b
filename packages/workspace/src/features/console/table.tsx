import type { ReactNode } from 'react';
import { useT } from '../../i18n/index.js';

/**
 * A console table: a header row of `columns` and the rows given as children. With `actions`, a
 * last column holds each row's buttons; its header is for screen readers only.
 */
export function ConsoleTable({ label, columns, actions = false, children }: { label: string; columns: string[]; actions?: boolean; children: ReactNode }) {
  const t = useT();
  return (
    <table className="console-table" aria-label={label}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c}>{c}</th>
          ))}
          {actions ? (
            <th>
              <span className="sr-only">{t('console.table.actions')}</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
