import type { DailyReport, LiveReport } from '@parley/contract';
import { useEffect, useState } from 'react';
import { toast, useStore } from '../../app/store.js';
import { api } from '../../lib/api.js';
import { formatDuration } from '../../lib/format.js';
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
const CHARTS: (Omit<HourlyChartProps, 'values'> & { field: HourField })[] = [
  { field: 'arrivals', title: 'Arrivals by hour', series: 'Arrivals', unit: 'count', kind: 'bars' },
  { field: 'avgFirstResponseSec', title: 'Average first response by hour', series: 'First response', unit: 'seconds', kind: 'line', colour: '--amber' },
  { field: 'slaAttainment', title: 'SLA attainment by hour', series: 'Within SLA', unit: 'percent', kind: 'bars', colour: '--green' },
];

/**
 * The live dashboard: GET /api/v1/reports/live, refetched on each `dashboard.changed` socket cue
 * (no polling), and the day's charts from GET /api/v1/reports/daily.
 */
export function DashboardScreen() {
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
  if (!live) return <p className="muted">Loading…</p>;
  const now = Date.now();
  const from = new Date().toISOString().slice(0, 10);
  const to = new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);
  return (
    <section aria-labelledby="console-dashboard" className="dashboard">
      <h3 id="console-dashboard">Live dashboard</h3>
      <div className="table-scroll">
        <ConsoleTable
          label="Queues by skill"
          columns={[
            'Skill',
            'Queue',
            'Longest wait',
            'Online / away / back soon',
            'Open',
            'Overdue',
            'Soon overdue',
            'SLA today',
            'CSAT 12 h / today',
            'NPS 12 h / today',
          ]}
        >
          {live.skills.map((s) => (
            <tr key={s.id ?? ''} data-skill={s.name}>
              <th scope="row" className={s.id === null ? 'muted' : undefined}>
                {s.name}
              </th>
              <td data-col="queue" data-label="Queue">
                {s.queue}
              </td>
              <td data-label="Longest wait">{s.queue ? dur(s.longestWaitSec) : '—'}</td>
              <td data-label="Online / away / back soon">
                {s.agents.online} / {s.agents.away} / {s.agents.backSoon}
              </td>
              <td data-col="open" data-label="Open">
                {s.open}
              </td>
              <td className={s.overdue ? 'bad' : undefined} data-label="Overdue">
                {s.overdue}
              </td>
              <td data-label="Soon overdue">{s.soonOverdue}</td>
              <td data-label="SLA today">{dash(s.slaToday, ' %')}</td>
              <td data-col="csat" data-label="CSAT 12 h / today">
                {dash(s.last12h.csat, ' %')} / {dash(s.today.csat, ' %')}
              </td>
              <td data-label="NPS 12 h / today">
                {dash(s.last12h.nps)} / {dash(s.today.nps)}
              </td>
            </tr>
          ))}
        </ConsoleTable>
      </div>
      <div className="table-scroll">
        <ConsoleTable label="Agents" columns={['Agent', 'Status', 'Reason', 'For', 'Load', 'Closed today', 'Avg. first response', 'CSAT today']}>
          {live.agents.map((a) => (
            <tr key={a.id} data-agent={a.displayName}>
              <th scope="row">{a.displayName}</th>
              <td data-label="Status">{STATUS_LABEL[a.status as AgentStatus] ?? a.status}</td>
              <td data-label="Reason">{a.statusReason ?? '—'}</td>
              <td data-label="For">{a.statusSince ? <time dateTime={a.statusSince}>{formatDuration((now - Date.parse(a.statusSince)) / 1000)}</time> : '—'}</td>
              <td data-label="Load">
                <meter min={0} max={a.capacity} value={a.load} aria-label={`Load of ${a.displayName}`} /> {a.load}/{a.capacity}
              </td>
              <td data-label="Closed today">{a.closedToday}</td>
              <td data-label="Avg. first response">{dur(a.avgFirstResponseSec)}</td>
              <td data-label="CSAT today">{dash(a.csat, ' %')}</td>
            </tr>
          ))}
        </ConsoleTable>
      </div>
      {daily ? (
        <section aria-labelledby="console-day">
          <h4 id="console-day">Today by hour (UTC)</h4>
          <div className="charts">
            {CHARTS.map(({ field, ...chart }) => (
              <HourlyChart key={field} {...chart} values={daily.hours.map((h) => h[field])} />
            ))}
          </div>
        </section>
      ) : null}
      <p>
        <a className="button" href={`/api/v1/reports/conversations.csv?from=${from}&to=${to}`} onClick={(e) => void downloadCsv(e, from, to)}>
          Export today's conversations (CSV)
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
