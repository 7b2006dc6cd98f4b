import { soonOverdueNow, statusNow } from '@parley/contract';
import { useCallback, useMemo } from 'react';
import { openConversation } from '../../app/controller.js';
import { store, useStore } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
import { countStatuses, filterActive, filterByLabel, sortActive } from '../../lib/active-list.js';
import { useNow } from '../../ui/use-now.js';
import { useVirtualRows } from '../../ui/virtual-rows.js';
import { ConversationRow } from './conversation-row.js';
import { LabelFilter } from './label-filter.js';
import { Offers } from './offers.js';
import { StatusFilters } from './status-filters.js';

/**
 * The Active list: sorted by SLA, live from realtime pushes, re-derived each second so a row that
 * turns overdue changes colour and filter by itself. Virtualized: only the rows in view (and a few
 * around, the focused and the selected one) are in the DOM; each says its place ("3 of 200").
 * Keyboard: ↑/↓, Home/End move through every row; Enter opens.
 */
export function ActiveList() {
  const t = useT();
  const active = useStore((s) => s.active);
  const loaded = useStore((s) => s.activeLoaded);
  const filters = useStore((s) => s.filters);
  const labelFilter = useStore((s) => s.labelFilter);
  const selectedId = useStore((s) => s.selectedId);
  const status = useStore((s) => s.session?.user.status);
  const now = useNow();

  const sorted = useMemo(() => sortActive(Object.values(active)), [active]);
  const labelled = filterByLabel(sorted, labelFilter);
  const counts = countStatuses(labelled, now);
  const rows = filterActive(labelled, filters, now);
  const rowIds = rows.map((r) => r.id);
  const idsKey = rowIds.join(' ');
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new array only when the order or the set of rows changed
  const ids = useMemo(() => rowIds, [idsKey]);
  const { rows: virtualRows, focusId, listProps, setSize, measure } = useVirtualRows<HTMLUListElement>({ ids, estimate: 78, selectedId });
  const onOpen = useCallback((id: string) => openConversation(id), []);

  return (
    <section className="list-pane" aria-labelledby="active-title">
      <div className="pane-head">
        <h2 id="active-title">{t('active.title')}</h2>
        <StatusFilters counts={counts} filters={filters} />
        <LabelFilter value={labelFilter} onChange={(labelFilter) => store.set({ labelFilter })} />
      </div>
      <Offers />
      {loaded && rows.length === 0 ? (
        <div className="empty">
          {sorted.length === 0 ? (
            <>
              <p>{t('active.empty')}</p>
              <p className="muted">{status === 'online' ? t('active.empty.online') : t('active.empty.offline')}</p>
            </>
          ) : (
            <p>{t('active.empty.filtered')}</p>
          )}
        </div>
      ) : (
        <ul className="rows virtual" {...listProps} aria-label={t('active.rows')}>
          {virtualRows.map(({ index, start }) => {
            const item = rows[index];
            return item ? (
              <ConversationRow
                key={item.id}
                index={index}
                start={start}
                setSize={setSize}
                measure={measure}
                item={item}
                status={statusNow(item, now)}
                soon={soonOverdueNow(item, now)}
                selected={item.id === selectedId}
                focusable={item.id === focusId}
                onOpen={onOpen}
              />
            ) : null;
          })}
        </ul>
      )}
    </section>
  );
}
