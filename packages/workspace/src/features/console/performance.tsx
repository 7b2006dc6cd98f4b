import type { AgentPerformanceDay, AgentPerformanceRow } from '@parley/contract';
import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../../lib/api.js';
import { Chart } from './chart.js';
import type { ChartUnit } from './chart-scales.js';
import { FORMAT } from './chart-scales.js';
import { dash, dur } from './format.js';
import { Field, type FieldErrors, FormError, problemErrors } from './forms.js';
import { SelectField } from './supervision.js';
import { ConsoleTable } from './table.js';

type Figure = Exclude<keyof AgentPerformanceDay, 'date' | 'csatResponses'>;

/** The figures a day can be charted by, and how each reads. */
const FIGURES: { field: Figure; label: string; unit: ChartUnit; kind: 'bars' | 'line'; yLabel: string }[] = [
  { field: 'handled', label: 'Handled', unit: 'count', kind: 'bars', yLabel: 'Conversations' },
  { field: 'closed', label: 'Closed', unit: 'count', kind: 'bars', yLabel: 'Conversations' },
  { field: 'avgHandleSec', label: 'Average handle time', unit: 'seconds', kind: 'line', yLabel: 'Time' },
  { field: 'avgFirstResponseSec', label: 'Average first response', unit: 'seconds', kind: 'line', yLabel: 'Time' },
  { field: 'csat', label: 'CSAT', unit: 'percent', kind: 'line', yLabel: 'Satisfied' },
  { field: 'onlineSec', label: 'Time online', unit: 'seconds', kind: 'bars', yLabel: 'Time' },
];

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** "Thu 3 Dec" for a YYYY-MM-DD (UTC). */
const dayName = (date: string) =>
  new Date(`${date}T00:00:00Z`).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });

/** A period's one-line reading: the total of a count, else the range the figure moved in. */
function summary(days: AgentPerformanceDay[], field: Figure, unit: ChartUnit): string {
  const values = days.flatMap((d) => (d[field] === null ? [] : [{ date: d.date, v: d[field] as number }]));
  if (unit === 'count') {
    const total = values.reduce((a, x) => a + x.v, 0);
    if (!total) return 'none in the period';
    const peak = values.reduce((a, x) => (x.v > a.v ? x : a));
    return `${total} in ${days.length} days, most on ${dayName(peak.date)} (${peak.v})`;
  }
  if (!values.length) return 'no data in the period';
  const min = Math.min(...values.map((x) => x.v));
  const max = Math.max(...values.map((x) => x.v));
  return min === max ? `${FORMAT[unit](min)} on every day with data` : `from ${FORMAT[unit](min)} to ${FORMAT[unit](max)} a day`;
}

/**
 * Agent performance: `GET /api/v1/reports/agents` for a period of UTC days — a table of each
 * agent's figures for the period, and one agent's chosen figure per day as a chart (with its days
 * as a table below).
 */
export function PerformanceScreen() {
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
  return (
    <section aria-labelledby="console-performance">
      <h3 id="console-performance">Agent performance</h3>
      <p className="muted">
        Per agent, for whole UTC days: conversations handled (wrote in) and closed, average handle time (assignment to close), average first response, CSAT
        (share of 4–5 answers) and time online.
      </p>
      <form className="console-form wide" onSubmit={apply} aria-label="Choose the period" noValidate>
        <div className="console-grid">
          <Field label="From (UTC date)" path="from" errors={errors}>
            <input type="date" value={draft.from} max={today} onChange={(e) => setDraft((d) => ({ ...d, from: e.target.value }))} />
          </Field>
          <Field label="To (UTC date, included)" path="to" errors={errors}>
            <input type="date" value={draft.to} max={today} onChange={(e) => setDraft((d) => ({ ...d, to: e.target.value }))} />
          </Field>
        </div>
        <FormError errors={errors} />
        <div className="console-inline">
          <button type="submit" className="button primary" disabled={busy}>
            Show the period
          </button>
        </div>
      </form>
      {rows === null ? <p className="muted">Loading…</p> : null}
      {rows ? (
        <div className="table-scroll">
          <ConsoleTable
            label={`Agents, ${period.from} to ${period.to}`}
            columns={['Agent', 'Handled', 'Closed', 'Avg. handle time', 'Avg. first response', 'CSAT', 'Time online']}
          >
            {rows.map((r) => (
              <tr key={r.agentId} data-agent={r.displayName}>
                <th scope="row">{r.displayName}</th>
                <td data-label="Handled">{r.handled}</td>
                <td data-label="Closed">{r.closed}</td>
                <td data-label="Avg. handle time">{dur(r.avgHandleSec)}</td>
                <td data-label="Avg. first response">{dur(r.avgFirstResponseSec)}</td>
                <td data-label="CSAT">
                  {dash(r.csat, ' %')}
                  {r.csatResponses ? <span className="muted"> ({r.csatResponses})</span> : null}
                </td>
                <td data-label="Time online">{dur(r.onlineSec)}</td>
              </tr>
            ))}
          </ConsoleTable>
        </div>
      ) : null}
      {agent && figure ? (
        <section aria-labelledby="console-performance-days">
          <h4 id="console-performance-days">By day</h4>
          <div className="console-grid">
            <SelectField
              label="Agent"
              value={agent.agentId}
              onChange={(e) => setAgentId(e.target.value)}
              options={(rows ?? []).map((r) => [r.agentId, r.displayName] as const)}
            />
            <SelectField
              label="Figure"
              value={figure.field}
              onChange={(e) => setField(e.target.value as Figure)}
              options={FIGURES.map((f) => [f.field, f.label] as const)}
            />
          </div>
          <div className="charts single">
            <Chart
              title={`${figure.label} by day: ${agent.displayName}`}
              series={figure.label}
              values={agent.days.map((d) => d[figure.field])}
              unit={figure.unit}
              kind={figure.kind}
              yLabel={figure.yLabel}
              ticks={agent.days.map((d) => d.date.slice(5))}
              pointLabel={(i) => {
                const d = agent.days[i];
                return d ? dayName(d.date) : '';
              }}
              axis="Day (UTC)"
              steps={[1, 2, 7, 14, 28, 56, 91]}
              summary={summary(agent.days, figure.field, figure.unit)}
              empty="No data in the period"
            />
          </div>
          <div className="table-scroll">
            <ConsoleTable
              label={`${agent.displayName} by day`}
              columns={['Day', 'Handled', 'Closed', 'Avg. handle time', 'Avg. first response', 'CSAT', 'Time online']}
            >
              {agent.days.map((d) => (
                <tr key={d.date}>
                  <th scope="row">
                    <time dateTime={d.date}>{dayName(d.date)}</time>
                  </th>
                  <td data-label="Handled">{d.handled}</td>
                  <td data-label="Closed">{d.closed}</td>
                  <td data-label="Avg. handle time">{dur(d.avgHandleSec)}</td>
                  <td data-label="Avg. first response">{dur(d.avgFirstResponseSec)}</td>
                  <td data-label="CSAT">{dash(d.csat, ' %')}</td>
                  <td data-label="Time online">{dur(d.onlineSec)}</td>
                </tr>
              ))}
            </ConsoleTable>
          </div>
        </section>
      ) : null}
    </section>
  );
}
