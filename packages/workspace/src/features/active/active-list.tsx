import { soonOverdueNow, statusNow } from '@parley/contract';
import { useCallback, useMemo, useRef } from 'react';
import { openConversation } from '../../app/controller.js';
import { store, useStore } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
import { countStatuses, filterActive, filterByLabel, sortActive } from '../../lib/active-list.js';
import { useNow } from '../../ui/use-now.js';
import { ConversationRow } from './conversation-row.js';
import { LabelFilter } from './label-filter.js';
import { Offers } from './offers.js';
import { StatusFilters } from './status-filters.js';

/**
 * The Active list: sorted by SLA, live from realtime pushes, re-derived each second so a row that
 * turns overdue changes colour and filter by itself. Rows use `content-visibility: auto`, so a list
 * of hundreds only lays out what is on screen. Keyboard: ↑/↓, Home/End move; Enter opens.
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
  const listRef = useRef<HTMLUListElement>(null);

  const sorted = useMemo(() => sortActive(Object.values(active)), [active]);
  const labelled = filterByLabel(sorted, labelFilter);
  const counts = countStatuses(labelled, now);
  const rows = filterActive(labelled, filters, now);
  const focusId = rows.some((r) => r.id === selectedId) ? selectedId : rows[0]?.id;
  const onOpen = useCallback((id: string) => openConversation(id), []);

  function onKeyDown(e: React.KeyboardEvent) {
    const buttons = [...(listRef.current?.querySelectorAll<HTMLButtonElement>('button.row-button') ?? [])];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (i < 0) return;
    let n = i;
    if (e.key === 'ArrowDown') n = Math.min(buttons.length - 1, i + 1);
    else if (e.key === 'ArrowUp') n = Math.max(0, i - 1);
    else if (e.key === 'Home') n = 0;
    else if (e.key === 'End') n = buttons.length - 1;
    else return;
    e.preventDefault();
    for (const b of buttons) b.tabIndex = -1;
    const target = buttons[n];
    if (target) {
      target.tabIndex = 0;
      target.focus();
    }
  }

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
        <ul className="rows" ref={listRef} onKeyDown={onKeyDown} aria-label={t('active.rows')}>
          {rows.map((item) => (
            <ConversationRow
              key={item.id}
              item={item}
              status={statusNow(item, now)}
              soon={soonOverdueNow(item, now)}
              selected={item.id === selectedId}
              focusable={item.id === focusId}
              onOpen={onOpen}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
