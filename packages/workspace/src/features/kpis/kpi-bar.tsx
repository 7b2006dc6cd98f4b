import { useStore } from '../../app/store.js';
import { formatDuration } from '../../lib/format.js';

/** The agent's KPIs: CSAT (from post-conversation surveys), closed today, average first response. */
export function KpiBar() {
  const kpis = useStore((s) => s.kpis);
  const csat = kpis?.csat == null ? '—' : `${Math.round(kpis.csat <= 1 ? kpis.csat * 100 : kpis.csat)}%`;
  return (
    <section className="kpis" aria-label="Your KPIs">
      <dl>
        <div>
          <dt>CSAT</dt>
          <dd>{csat}</dd>
        </div>
        <div>
          <dt>Closed today</dt>
          <dd>{kpis ? kpis.closedToday : '—'}</dd>
        </div>
        <div>
          <dt>Avg first response</dt>
          <dd>{kpis?.avgFirstResponseSec == null ? '—' : formatDuration(kpis.avgFirstResponseSec)}</dd>
        </div>
      </dl>
    </section>
  );
}
