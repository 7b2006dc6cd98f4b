/**
 * A 24-bar chart in SVG (no library: a few hundred bytes, scales to the 400 px embed). Empty hours
 * (null) draw no bar. The figures are also in the accessible label.
 */
export function BarChart({ title, values, max }: { title: string; values: (number | null)[]; max?: number }) {
  const top = max ?? Math.max(1, ...values.map((v) => v ?? 0));
  const w = 240;
  const h = 80;
  const bw = w / values.length;
  const label = `${title}: ${
    values
      .map((v, i) => (v === null ? null : `${i}h ${v}`))
      .filter(Boolean)
      .join(', ') || 'no data'
  }`;
  return (
    <figure className="chart">
      <figcaption>
        {title} <span className="muted">(max {top})</span>
      </figcaption>
      <svg viewBox={`0 0 ${w} ${h + 12}`} role="img" aria-label={label} preserveAspectRatio="none">
        {values.map((v, i) =>
          v === null ? null : (
            // biome-ignore lint/suspicious/noArrayIndexKey: one bar per hour
            <rect key={i} x={i * bw + 1} y={h - (v / top) * h} width={bw - 2} height={(v / top) * h} className="chart-bar" />
          ),
        )}
        <line x1={0} y1={h} x2={w} y2={h} className="chart-axis" />
        {[0, 6, 12, 18].map((hr) => (
          <text key={hr} x={hr * bw + 1} y={h + 10} className="chart-tick">
            {hr}h
          </text>
        ))}
      </svg>
    </figure>
  );
}
