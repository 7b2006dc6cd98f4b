import type { AgentPerformanceDay, AgentPerformanceRow } from '@parley/contract';
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { currentLocale, type Translate, useT } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { Chart } from './chart.js';
import type { ChartUnit } from './chart-scales.js';
import { FORMAT } from './chart-scales.js';
import { dash, dur } from './format.js';
import { Field, type FieldErrors, FormError, problemErrors } from './forms.js';
import { SelectField } from './supervision.js';
import { ConsoleTable } from './table.js';

type Figure = Exclude<keyof AgentPerformanceDay, 'date' | 'csatResponses'>;

/** The figures a day can be charted by (their names: `console.performance.figure.<field>`), and how each reads. */
const FIGURES: { field: Figure; unit: ChartUnit; kind: 'bars' | 'line'; y: 'conversations' | 'time' | 'satisfied' }[] = [
  { field: 'handled', unit: 'count', kind: 'bars', y: 'conversations' },
  { field: 'closed', unit: 'count', kind: 'bars', y: 'conversations' },
  { field: 'avgHandleSec', unit: 'seconds', kind: 'line', y: 'time' },
  { field: 'avgFirstResponseSec', unit: 'seconds', kind: 'line', y: 'time' },
  { field: 'csat', unit: 'percent', kind: 'line', y: 'satisfied' },
  { field: 'onlineSec', unit: 'seconds', kind: 'bars', y: 'time' },
];

/** The table columns after the first (agent or day), each a key under `console.performance.col.`. */
const COLUMNS = ['handled', 'closed', 'avgHandle', 'avgFirstResponse', 'csat', 'online'] as const;

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** "Thu 3 Dec" (in the user's language) for a YYYY-MM-DD (UTC). */
const dayName = (date: string) =>
  new Date(`${date}T00:00:00Z`).toLocaleDateString(currentLocale(), { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });

/** A period's one-line reading: the total of a count, else the range the figure moved in. */
function summary(t: Translate, days: AgentPerformanceDay[], field: Figure, unit: ChartUnit): string {
  const values = days.flatMap((d) => (d[field] === null ? [] : [{ date: d.date, v: d[field] as number }]));
  if (unit === 'count') {
    const total = values.reduce((a, x) => a + x.v, 0);
    if (!total) return t('console.performance.summary.none');
    const peak = values.reduce((a, x) => (x.v > a.v ? x : a));
    return t('console.performance.summary.total', { total, days: days.length, day: dayName(peak.date), peak: peak.v });
  }
  if (!values.length) return t('console.performance.summary.noData');
  const min = Math.min(...values.map((x) => x.v));
  const max = Math.max(...values.map((x) => x.v));
  return min === max
    ? t('console.performance.summary.flat', { value: FORMAT[unit](min) })
    : t('console.performance.summary.range', { min: FORMAT[unit](min), max: FORMAT[unit](max) });
}

/** One row's figures (the period's or a day's), in the order of COLUMNS. */
function FigureCells({ f }: { f: Omit<AgentPerformanceDay, 'date'> }) {
  const t = useT();
  const cells: Record<(typeof COLUMNS)[number], ReactNode> = {
    handled: f.handled,
    closed: f.closed,
    avgHandle: dur(f.avgHandleSec),
    avgFirstResponse: dur(f.avgFirstResponseSec),
    csat: (
      <>
        {dash(f.csat, ' %')}
        {f.csatResponses ? <span className="muted"> ({f.csatResponses})</span> : null}
      </>
    ),
    online: dur(f.onlineSec),
  };
  return (
    <>
      {COLUMNS.map((c) => (
        <td key={c} data-label={t(`console.performance.col.${c}`)}>
          {cells[c]}
        </td>
      ))}
    </>
  );
}

/**
 * Agent performance: `GET /api/v1/reports/agents` for a period of UTC days — a table of each
 * agent's figures for the period, and one agent's chosen figure per day as a chart (with its days
 * as a table below).
 */
export function PerformanceScreen() {
  const t = useT();
  const today = isoDay(Date.now());
  const [draft, setDraft] = useState({ from: isoDay(Date.now() - 6 * DAY), to: today });
  const [period, setPeriod] = useState(draft);
  const [rows, setRows] = useState<AgentPerformanceRow[] | null>(null);
  const [agentId, setAgentId] = useState('');
  const [field, setField] = useState<Figure>('handled');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let stale = false;
    // `to` is a day included: the report runs to the next midnight.
    const end = Date.parse(`${period.to}T00:00:00Z`) + DAY;
    const to = Number.isNaN(end) ? period.to : isoDay(end);
    setBusy(true);
    api.all('GET /api/v1/reports/agents', { query: { from: period.from, to } }).then(
      (r) => {
        if (stale) return;
        setRows(r.items);
        setErrors({});
        setBusy(false);
      },
      (err: unknown) => {
        if (stale) return;
        setErrors(problemErrors(err));
        setBusy(false);
      },
    );
    return () => {
      stale = true;
    };
  }, [period]);

  function apply(e: FormEvent) {
    e.preventDefault();
    setPeriod({ ...draft });
  }

  const agent = rows?.find((r) => r.agentId === agentId) ?? rows?.find((r) => r.handled > 0) ?? rows?.[0];
  const figure = FIGURES.find((f) => f.field === field) ?? FIGURES[0];
  const columns = (first: string) => [first, ...COLUMNS.map((c) => t(`console.performance.col.${c}`))];
  const figureName = (f: Figure) => t(`console.performance.figure.${f}`);
  return (
    <section aria-labelledby="console-performance">
      <h3 id="console-performance">{t('console.performance.title')}</h3>
      <p className="muted">{t('console.performance.intro')}</p>
      <form className="console-form wide" onSubmit={apply} aria-label={t('console.performance.period')} noValidate>
        <div className="console-grid">
          <Field label={t('console.performance.from')} path="from" errors={errors}>
            <input type="date" value={draft.from} max={today} onChange={(e) => setDraft((d) => ({ ...d, from: e.target.value }))} />
          </Field>
          <Field label={t('console.performance.to')} path="to" errors={errors}>
            <input type="date" value={draft.to} max={today} onChange={(e) => setDraft((d) => ({ ...d, to: e.target.value }))} />
          </Field>
        </div>
        <FormError errors={errors} />
        <div className="console-inline">
          <button type="submit" className="button primary" disabled={busy}>
            {t('console.performance.show')}
          </button>
        </div>
      </form>
      {rows === null ? <p className="muted">{t('common.loading')}</p> : null}
      {rows ? (
        <div className="table-scroll">
          <ConsoleTable label={t('console.performance.table', { from: period.from, to: period.to })} columns={columns(t('console.performance.col.agent'))}>
            {rows.map((r) => (
              <tr key={r.agentId} data-agent={r.displayName}>
                <th scope="row">{r.displayName}</th>
                <FigureCells f={r} />
              </tr>
            ))}
          </ConsoleTable>
        </div>
      ) : null}
      {agent && figure ? (
        <section aria-labelledby="console-performance-days">
          <h4 id="console-performance-days">{t('console.performance.byDay')}</h4>
          <div className="console-grid">
            <SelectField
              label={t('console.performance.agent')}
              value={agent.agentId}
              onChange={(e) => setAgentId(e.target.value)}
              options={(rows ?? []).map((r) => [r.agentId, r.displayName] as const)}
            />
            <SelectField
              label={t('console.performance.figure')}
              value={figure.field}
              onChange={(e) => setField(e.target.value as Figure)}
              options={FIGURES.map((f) => [f.field, figureName(f.field)] as const)}
            />
          </div>
          <div className="charts single">
            <Chart
              title={t('console.performance.chart', { figure: figureName(figure.field), agent: agent.displayName })}
              series={figureName(figure.field)}
              values={agent.days.map((d) => d[figure.field])}
              unit={figure.unit}
              kind={figure.kind}
              yLabel={t(`console.performance.y.${figure.y}`)}
              ticks={agent.days.map((d) => d.date.slice(5))}
              pointLabel={(i) => {
                const d = agent.days[i];
                return d ? dayName(d.date) : '';
              }}
              axis={t('console.performance.axis')}
              steps={[1, 2, 7, 14, 28, 56, 91]}
              summary={summary(t, agent.days, figure.field, figure.unit)}
              empty={t('console.performance.empty')}
            />
          </div>
          <div className="table-scroll">
            <ConsoleTable label={t('console.performance.days', { agent: agent.displayName })} columns={columns(t('console.performance.col.day'))}>
              {agent.days.map((d) => (
                <tr key={d.date}>
                  <th scope="row">
                    <time dateTime={d.date}>{dayName(d.date)}</time>
                  </th>
                  <FigureCells f={d} />
                </tr>
              ))}
            </ConsoleTable>
          </div>
        </section>
      ) : null}
    </section>
  );
}
