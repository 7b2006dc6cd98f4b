import { useStore } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
import { formatDuration, formatNumber } from '../../lib/format.js';

/** The agent's KPIs: CSAT (from post-conversation surveys), closed today, average first response. */
export function KpiBar() {
  const kpis = useStore((s) => s.kpis);
  const t = useT();
  const csat = kpis?.csat == null ? '—' : formatNumber(Math.round(kpis.csat <= 1 ? kpis.csat * 100 : kpis.csat) / 100, { style: 'percent' });
  return (
    <section className="kpis" aria-label={t('kpis.label')}>
      <dl>
        <div>
          <dt>{t('kpis.csat')}</dt>
          <dd>{csat}</dd>
        </div>
        <div>
          <dt>{t('kpis.closedToday')}</dt>
          <dd>{kpis ? formatNumber(kpis.closedToday) : '—'}</dd>
        </div>
        <div>
          <dt>{t('kpis.firstResponse')}</dt>
          <dd>{kpis?.avgFirstResponseSec == null ? '—' : formatDuration(kpis.avgFirstResponseSec)}</dd>
        </div>
      </dl>
    </section>
  );
}
