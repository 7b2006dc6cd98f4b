import { useEffect, useId, useRef, useState } from 'react';
import type uPlot from 'uplot';
import { useT } from '../../i18n/index.js';
import { type ChartUnit, FORMAT, INCRS, niceMax, summarise, Y_LABEL } from './chart-scales.js';
import { exactDur, hourLabel } from './format.js';

export interface HourlyChartProps {
  /** Visible caption and the start of the accessible name, e.g. "Arrivals by hour". */
  title: string;
  /** The series' name in the legend and in the data table, e.g. "Arrivals". */
  series: string;
  /** One figure per hour, 0–23 UTC; null: nothing to measure that hour. */
  values: (number | null)[];
  unit: ChartUnit;
  kind: 'bars' | 'line';
  /** A colour custom property of the app's stylesheet. */
  colour?: '--accent' | '--green' | '--amber';
}

/** A chart of one figure per point of a sequence (hours of a day, days of a period). */
export interface ChartProps extends HourlyChartProps {
  /** One label a point: the x axis ticks ("09:00", "12-03"). */
  ticks: string[];
  /** What a point stands for, in the readout and the data table ("09:00–10:00", "Thu 3 Dec"). */
  pointLabel: (i: number) => string;
  /** The x axis's title and the data table's first column, e.g. "Hour (UTC)". */
  axis: string;
  /** The one-line reading: the visible subtitle and part of the accessible name. */
  summary: string;
  /** The data table's line when there is nothing to show. */
  empty: string;
  /** Tick steps of the x axis, in points (uPlot takes the first that fits). */
  steps: number[];
  /** The y axis's title (default: by unit). */
  yLabel?: string;
}

const HEIGHT = 160;
const HOUR_TICKS = Array.from({ length: 24 }, (_, h) => String(h));
const HOUR_STEPS = [1, 2, 3, 6, 12];

let lib: Promise<typeof uPlot> | undefined;
/** uPlot loads on first use: agents, who never see the dashboard, never download it. */
const loadUPlot = () => {
  lib ??= import('./uplot.js').then((m) => m.UPlot);
  return lib;
};

/** The app's look, read from its stylesheet so the canvas matches the HTML around it. */
function theme(el: HTMLElement, colour: string) {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    colour: v(colour, '#1f5fd1'),
    text: v('--text-2', '#4f5968'),
    grid: v('--line', '#e2e5ea'),
    tick: v('--line-strong', '#cdd2da'),
    font: css.fontFamily || 'system-ui, sans-serif',
  };
}

function options(
  UPlot: typeof uPlot,
  p: Required<Pick<ChartProps, 'series' | 'unit' | 'kind' | 'colour' | 'axis' | 'steps' | 'yLabel'>> & {
    ticks: readonly string[];
    pointLabel: (i: number) => string;
  },
  el: HTMLElement,
  onHover: (point: number | null) => void,
): uPlot.Options {
  const t = theme(el, p.colour);
  const fmt = FORMAT[p.unit];
  const axis = {
    stroke: t.text,
    font: `12px ${t.font}`,
    labelFont: `600 12px ${t.font}`,
    labelSize: 18,
    labelGap: 2,
    grid: { stroke: t.grid, width: 1 },
    ticks: { stroke: t.tick, width: 1, size: 4 },
  };
  const bars = p.kind === 'bars';
  return {
    width: Math.max(200, el.clientWidth),
    height: HEIGHT,
    padding: [10, 12, 0, 0],
    // A few dozen points: no drag-to-zoom; the cursor only reads a value into the legend.
    cursor: { drag: { x: false, y: false, setScale: false } },
    // The legend is the key; the value under the cursor is read out above the plot (onHover).
    legend: { live: false },
    hooks: { setCursor: [(u) => onHover(u.cursor.idx ?? null)] },
    scales: {
      x: { time: false, range: [-0.5, p.ticks.length - 0.5] },
      y: { range: (_u, _min, max) => [0, niceMax(p.unit, max)] },
    },
    axes: [
      {
        ...axis,
        label: p.axis,
        size: 28,
        space: 28,
        incrs: p.steps,
        values: (_u, splits) => splits.map((i) => p.ticks[i] ?? ''),
        grid: { show: false },
      },
      { ...axis, label: p.yLabel, size: 50, space: 24, incrs: INCRS[p.unit], values: (_u, splits) => splits.map(p.unit === 'seconds' ? exactDur : fmt) },
    ],
    series: [
      { label: p.axis, value: (_u, v) => (v === null || v === undefined ? '—' : p.pointLabel(v)) },
      {
        label: p.series,
        stroke: t.colour,
        fill: bars ? t.colour : undefined,
        width: bars ? 0 : 2,
        spanGaps: false,
        points: bars ? { show: false } : { show: true, size: 7, fill: t.colour, stroke: t.colour },
        ...(bars && UPlot.paths.bars && { paths: UPlot.paths.bars({ size: [0.7, 28] }) }),
        value: (_u, v) => (v === null || v === undefined ? '—' : fmt(v)),
      },
    ],
  };
}

/** A day by hour (UTC), for the live dashboard. */
export function HourlyChart(props: HourlyChartProps) {
  const t = useT();
  return (
    <Chart
      {...props}
      ticks={HOUR_TICKS}
      axis={t('console.chart.hourAxis')}
      pointLabel={(h) => `${hourLabel(h)}–${hourLabel(h + 1)}`}
      summary={summarise(props.values, props.unit)}
      empty={t('console.chart.empty')}
      steps={HOUR_STEPS}
    />
  );
}

/**
 * One figure per point (hours of a day, days of a period) drawn with uPlot on a canvas. The
 * instance is made once per chart and lives until unmount: new figures go through `setData` (the
 * dashboard refetches on each socket cue), and a ResizeObserver keeps the canvas as wide as its
 * box, down to the 400 px embed.
 *
 * A canvas says nothing to a screen reader, so the plot is `role="img"` named by its title and a
 * one-line summary, and a visually hidden table gives every figure.
 */
export function Chart({ title, series, values, unit, kind, colour = '--accent', ticks, pointLabel, axis, summary, empty, steps, yLabel }: ChartProps) {
  const t = useT();
  const id = useId();
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const points = values.map((_, i) => i);
  const data = useRef<uPlot.AlignedData>([points, values]);
  data.current = [points, values];
  // The axis and readout read the latest labels without making a new instance.
  const labels = useRef({ ticks, pointLabel });
  labels.current = { ticks, pointLabel };
  const [failed, setFailed] = useState(false);
  const [hover, setHover] = useState<number | null>(null);
  const shape = `${ticks.length}`;

  // biome-ignore lint/correctness/useExhaustiveDependencies: shape (the number of points) sets the x scale; labels and steps are read when it is made
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let gone = false;
    let resize: ResizeObserver | undefined;
    loadUPlot().then(
      (UPlot) => {
        if (gone) return;
        const view = {
          series,
          unit,
          kind,
          colour,
          axis,
          steps,
          yLabel: yLabel ?? t(Y_LABEL[unit]),
          get ticks() {
            return labels.current.ticks;
          },
          pointLabel: (i: number) => labels.current.pointLabel(i),
        };
        const u = new UPlot(options(UPlot, view, el, setHover), data.current, el);
        plot.current = u;
        resize = new ResizeObserver(() => {
          const width = el.clientWidth;
          if (width > 0 && width !== u.width) u.setSize({ width, height: HEIGHT });
        });
        resize.observe(el);
      },
      () => {
        if (!gone) setFailed(true);
      },
    );
    return () => {
      gone = true;
      resize?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [series, unit, kind, colour, axis, shape]);

  const key = `${values.join(',')}|${ticks.join(',')}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: key is the figures; the same instance redraws them
  useEffect(() => {
    plot.current?.setData(data.current);
  }, [key]);

  const hovered = hover === null ? undefined : values[hover];
  const readout =
    hover === null
      ? summary
      : t('console.chart.readout', {
          point: pointLabel(hover),
          value: hovered === null || hovered === undefined ? t('console.chart.noData') : FORMAT[unit](hovered),
        });
  const rows = values.flatMap((v, i) => (v === null || (unit === 'count' && v === 0) ? [] : [{ i, v }]));
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      {/* The summary is also the plot's accessible name, and the figures are in the table: hidden here so they are read once. */}
      <p className="chart-summary muted" aria-hidden="true">
        {readout}
      </p>
      {/* The plot reads left to right in every language: the hours run that way, and "45 s" stays "45 s" on the canvas. */}
      <div
        ref={box}
        className="chart-plot"
        dir="ltr"
        role="img"
        aria-label={t(kind === 'bars' ? 'console.chart.barLabel' : 'console.chart.lineLabel', { title, summary })}
      />
      {/* Hidden unless the chart library failed to load: then the table stands in for the plot. */}
      <table className={failed ? 'console-table' : 'sr-only'}>
        <caption>{t('console.chart.figures', { title })}</caption>
        <thead>
          <tr>
            <th scope="col">{axis}</th>
            <th scope="col">{series}</th>
          </tr>
        </thead>
        <tbody>
          {rows.length ? (
            rows.map(({ i, v }) => (
              <tr key={i}>
                <th scope="row">{pointLabel(i)}</th>
                <td>{FORMAT[unit](v)}</td>
              </tr>
            ))
          ) : (
            <tr>
              <td colSpan={2}>{empty}</td>
            </tr>
          )}
        </tbody>
      </table>
    </figure>
  );
}
