import type { DailyReport, LiveReport } from '@parley/contract';
import { useEffect, useState } from 'react';
import { toast, useStore } from '../../app/store.js';
import { type MessageKey, useT } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { formatDuration, formatNumber } from '../../lib/format.js';
import { type AgentStatus, STATUS_LABEL } from '../../lib/types.js';
import { HourlyChart, type HourlyChartProps } from './chart.js';
import { dash, dur } from './format.js';
import { ConsoleTable } from './table.js';

type Live = LiveReport;
type Daily = DailyReport;

type HourField = Exclude<keyof Daily['hours'][number], 'hour'>;

/** How often the "For" column (time in the current status) moves on: a clock on screen, no request. */
const STATUS_CLOCK_MS = 15_000;

/** Renders again every `everyMs` while mounted (a clock on screen). */
function useTicker(everyMs: number): void {
  const [, setBeat] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setBeat((n) => n + 1), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
}

/** The day's charts: which hourly figure each one draws, and how. */
const CHARTS: (Omit<HourlyChartProps, 'values' | 'title' | 'series'> & { field: HourField; title: MessageKey; series: MessageKey })[] = [
  { field: 'arrivals', title: 'console.dashboard.chart.arrivals', series: 'console.dashboard.chart.arrivalsSeries', unit: 'count', kind: 'bars' },
  {
    field: 'avgFirstResponseSec',
    title: 'console.dashboard.chart.firstResponse',
    series: 'console.dashboard.chart.firstResponseSeries',
    unit: 'seconds',
    kind: 'line',
    colour: '--amber',
  },
  {
    field: 'slaAttainment',
    title: 'console.dashboard.chart.sla',
    series: 'console.dashboard.chart.slaSeries',
    unit: 'percent',
    kind: 'bars',
    colour: '--green',
  },
];

/**
 * The live dashboard: GET /api/v1/reports/live, refetched on each `dashboard.changed` socket cue
 * (no polling), and the day's charts from GET /api/v1/reports/daily.
 */
export function DashboardScreen() {
  const t = useT();
  const tick = useStore((s) => s.dashboardTick);
  const [live, setLive] = useState<Live | null>(null);
  const [daily, setDaily] = useState<Daily | null>(null);
  useTicker(STATUS_CLOCK_MS);
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick is the refetch cue
  useEffect(() => {
    let stale = false;
    Promise.all([api.call('GET /api/v1/reports/live'), api.call('GET /api/v1/reports/daily')]).then(
      ([l, d]) => {
        if (stale) return;
        setLive(l);
        setDaily(d);
      },
      (e: Error) => toast(e.message, 'error'),
    );
    return () => {
      stale = true;
    };
  }, [tick]);
  if (!live) return <p className="muted">{t('common.loading')}</p>;
  const now = Date.now();
  const from = new Date().toISOString().slice(0, 10);
  const to = new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);
  return (
    <section aria-labelledby="console-dashboard" className="dashboard">
      <h3 id="console-dashboard">{t('console.dashboard.title')}</h3>
      <div className="table-scroll">
        <ConsoleTable
          label={t('console.dashboard.queues')}
          columns={[
            t('console.dashboard.col.skill'),
            t('console.dashboard.col.queue'),
            t('console.dashboard.col.longestWait'),
            t('console.dashboard.col.agentStates'),
            t('console.dashboard.col.open'),
            t('console.dashboard.col.overdue'),
            t('console.dashboard.col.soonOverdue'),
            t('console.dashboard.col.slaToday'),
            t('console.dashboard.col.csat'),
            t('console.dashboard.col.nps'),
          ]}
        >
          {live.skills.map((s) => (
            <tr key={s.id ?? ''} data-skill={s.name}>
              <th scope="row" className={s.id === null ? 'muted' : undefined}>
                {s.name}
              </th>
              <td data-col="queue" data-label={t('console.dashboard.col.queue')}>
                {formatNumber(s.queue)}
              </td>
              <td data-label={t('console.dashboard.col.longestWait')}>
                <bdi>{s.queue ? dur(s.longestWaitSec) : '—'}</bdi>
              </td>
              <td data-label={t('console.dashboard.col.agentStates')}>
                {formatNumber(s.agents.online)} / {formatNumber(s.agents.away)} / {formatNumber(s.agents.backSoon)}
              </td>
              <td data-col="open" data-label={t('console.dashboard.col.open')}>
                {formatNumber(s.open)}
              </td>
              <td className={s.overdue ? 'bad' : undefined} data-label={t('console.dashboard.col.overdue')}>
                {formatNumber(s.overdue)}
              </td>
              <td data-label={t('console.dashboard.col.soonOverdue')}>{formatNumber(s.soonOverdue)}</td>
              <td data-label={t('console.dashboard.col.slaToday')}>
                <bdi>{dash(s.slaToday, ' %')}</bdi>
              </td>
              <td data-col="csat" data-label={t('console.dashboard.col.csat')}>
                <bdi>{dash(s.last12h.csat, ' %')}</bdi> / <bdi>{dash(s.today.csat, ' %')}</bdi>
              </td>
              <td data-label={t('console.dashboard.col.nps')}>
                {dash(s.last12h.nps)} / {dash(s.today.nps)}
              </td>
            </tr>
          ))}
        </ConsoleTable>
      </div>
      <div className="table-scroll">
        <ConsoleTable
          label={t('console.dashboard.agents')}
          columns={[
            t('console.dashboard.col.agent'),
            t('console.dashboard.col.status'),
            t('console.dashboard.col.reason'),
            t('console.dashboard.col.for'),
            t('console.dashboard.col.load'),
            t('console.dashboard.col.closedToday'),
            t('console.dashboard.col.avgFirstResponse'),
            t('console.dashboard.col.csatToday'),
          ]}
        >
          {live.agents.map((a) => (
            <tr key={a.id} data-agent={a.displayName}>
              <th scope="row">{a.displayName}</th>
              <td data-label={t('console.dashboard.col.status')}>{STATUS_LABEL[a.status as AgentStatus] ?? a.status}</td>
              <td data-label={t('console.dashboard.col.reason')}>{a.statusReason ?? '—'}</td>
              <td data-label={t('console.dashboard.col.for')}>
                {a.statusSince ? (
                  <time dateTime={a.statusSince}>
                    <bdi>{formatDuration((now - Date.parse(a.statusSince)) / 1000)}</bdi>
                  </time>
                ) : (
                  '—'
                )}
              </td>
              <td data-label={t('console.dashboard.col.load')}>
                <meter min={0} max={a.capacity} value={a.load} aria-label={t('console.dashboard.loadOf', { name: a.displayName })} /> {formatNumber(a.load)}/
                {formatNumber(a.capacity)}
              </td>
              <td data-label={t('console.dashboard.col.closedToday')}>{formatNumber(a.closedToday)}</td>
              <td data-label={t('console.dashboard.col.avgFirstResponse')}>
                <bdi>{dur(a.avgFirstResponseSec)}</bdi>
              </td>
              <td data-label={t('console.dashboard.col.csatToday')}>
                <bdi>{dash(a.csat, ' %')}</bdi>
              </td>
            </tr>
          ))}
        </ConsoleTable>
      </div>
      {daily ? (
        <section aria-labelledby="console-day">
          <h4 id="console-day">{t('console.dashboard.byHour')}</h4>
          <div className="charts">
            {CHARTS.map(({ field, title, series, ...chart }) => (
              <HourlyChart key={field} {...chart} title={t(title)} series={t(series)} values={daily.hours.map((h) => h[field])} />
            ))}
          </div>
        </section>
      ) : null}
      <p>
        <a className="button" href={`/api/v1/reports/conversations.csv?from=${from}&to=${to}`} onClick={(e) => void downloadCsv(e, from, to)}>
          {t('console.dashboard.export')}
        </a>
      </p>
    </section>
  );
}

/** The CSV needs the bearer token: fetch it and hand the browser a blob. */
async function downloadCsv(e: { preventDefault(): void }, from: string, to: string): Promise<void> {
  e.preventDefault();
  try {
    const text = await api.call('GET /api/v1/reports/conversations.csv', { query: { from, to } });
    const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `conversations-${from}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  } catch (err) {
    toast((err as Error).message, 'error');
  }
}
