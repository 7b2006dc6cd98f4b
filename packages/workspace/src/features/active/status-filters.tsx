import { setFilters } from '../../app/controller.js';
import type { Counts } from '../../lib/active-list.js';
import { LIST_STATUSES, type ListStatus } from '../../lib/types.js';

const LABEL: Record<ListStatus, string> = { ongoing: 'Ongoing', overdue: 'Overdue', idle: 'Idle', closed: 'Closed' };

/** Status counts at the top of the list; each is a toggle filter, several combine, none: all rows. */
export function StatusFilters({ counts, filters }: { counts: Counts; filters: ListStatus[] }) {
  function toggle(s: ListStatus) {
    setFilters(filters.includes(s) ? filters.filter((f) => f !== s) : [...filters, s]);
  }
  return (
    <fieldset className="filters">
      <legend className="sr-only">Filter by status</legend>
      {LIST_STATUSES.map((s) => (
        <button key={s} type="button" className={`filter filter-${s}`} aria-pressed={filters.includes(s)} onClick={() => toggle(s)}>
          <span className="filter-count">{counts[s]}</span>
          <span className="filter-label">{LABEL[s]}</span>
        </button>
      ))}
      {filters.length > 0 && (
        <button type="button" className="link-button" onClick={() => setFilters([])}>
          Show all
        </button>
      )}
    </fieldset>
  );
}
