/** The numbers behind the console's hourly charts: formats, tick steps, scale tops and the one-line reading. Pure. */
import { type MessageKey, t } from '../../i18n/index.js';
import { dur, hourLabel } from './format.js';

/** What the figures count; decides the axis ticks, the formatting and which end of the range is bad. */
export type ChartUnit = 'count' | 'seconds' | 'percent';

export const FORMAT: Record<ChartUnit, (v: number) => string> = {
  count: String,
  seconds: dur,
  percent: (v) => `${v} %`,
};
/** The y axis's title by unit (catalogue keys). */
export const Y_LABEL: Record<ChartUnit, MessageKey> = {
  count: 'console.chart.y.count',
  seconds: 'console.chart.y.seconds',
  percent: 'console.chart.y.percent',
};
/** Tick steps: whole conversations, round durations, tenths of 100 %. */
export const INCRS: Record<ChartUnit, number[]> = {
  count: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000],
  seconds: [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400],
  percent: [10, 20, 25, 50],
};

/** The top of the y scale: a round number above the highest figure, and a floor so one conversation is not a full-height bar. */
export function niceMax(unit: ChartUnit, max: number): number {
  if (unit === 'percent') return 100;
  const floor = unit === 'count' ? 4 : 60;
  if (!(max > floor)) return floor;
  const incrs = INCRS[unit];
  const step = incrs.find((i) => max / i <= 4) ?? incrs[incrs.length - 1] ?? 1;
  return Math.ceil(max / step) * step;
}

/** One sentence that reads the chart at a glance (in the user's language); the visible subtitle and the chart's accessible name. */
export function summarise(values: (number | null)[], unit: ChartUnit): string {
  const fmt = FORMAT[unit];
  const points = values.flatMap((v, h) => (v === null ? [] : [{ h, v }]));
  if (unit === 'count') {
    const total = points.reduce((a, p) => a + p.v, 0);
    if (total === 0) return t('console.chart.summary.none');
    const peak = points.reduce((a, p) => (p.v > a.v ? p : a));
    return t('console.chart.summary.total', { total: fmt(total), hour: hourLabel(peak.h), peak: fmt(peak.v) });
  }
  const last = points[points.length - 1];
  if (!last) return t('console.chart.summary.noData');
  if (points.length === 1) return t('console.chart.summary.one', { value: fmt(last.v), hour: hourLabel(last.h) });
  // The worst hour: the slowest response, the lowest attainment.
  const worst = points.reduce((a, p) => ((unit === 'seconds' ? p.v > a.v : p.v < a.v) ? p : a));
  const reading = { value: fmt(last.v), hour: hourLabel(last.h), worst: fmt(worst.v), worstHour: hourLabel(worst.h) };
  return t(unit === 'seconds' ? 'console.chart.summary.slowest' : 'console.chart.summary.lowest', reading);
}
