import { chipText } from '../lib/colors.js';

/** A label as a chip: its colour behind, black or white text (whichever reads better on it). */
export function LabelChip({ name, color }: { name: string; color: string }) {
  return (
    <span className="chip label-chip" style={{ background: color, color: chipText(color) }}>
      {name}
    </span>
  );
}
