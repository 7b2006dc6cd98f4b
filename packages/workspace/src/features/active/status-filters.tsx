import { setFilters } from '../../app/controller.js';
import { useT } from '../../i18n/index.js';
import type { Counts } from '../../lib/active-list.js';
import { LIST_STATUSES, type ListStatus, listStatusLabel } from '../../lib/types.js';

/** Status counts at the top of the list; each is a toggle filter, several combine, none: all rows. */
export function StatusFilters({ counts, filters }: { counts: Counts; filters: ListStatus[] }) {
  const t = useT();
  function toggle(s: ListStatus) {
    setFilters(filters.includes(s) ? filters.filter((f) => f !== s) : [...filters, s]);
  }
  return (
    <fieldset className="filters">
      <legend className="sr-only">{t('filters.legend')}</legend>
      {LIST_STATUSES.map((s) => (
        <button key={s} type="button" className={`filter filter-${s}`} aria-pressed={filters.includes(s)} onClick={() => toggle(s)}>
          <span className="filter-count">{counts[s]}</span>
          <span className="filter-label">{listStatusLabel(s)}</span>
        </button>
      ))}
      {filters.length > 0 && (
        <button type="button" className="link-button" onClick={() => setFilters([])}>
          {t('filters.showAll')}
        </button>
      )}
    </fieldset>
  );
}
