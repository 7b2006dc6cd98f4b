import { useLabels } from '../app/labels.js';
import { chipText } from '../lib/colors.js';

/** A label as a chip: its colour behind, black or white text (whichever reads better on it). */
export function LabelChip({ name, color }: { name: string; color: string }) {
  return (
    <span className="chip label-chip" style={{ background: color, color: chipText(color) }}>
      {name}
    </span>
  );
}

/** A list row's labels, as small chips (names read with the row). */
export function RowLabels({ ids }: { ids: readonly string[] | undefined }) {
  const labels = useLabels();
  if (!ids?.length || labels.length === 0) return null;
  const byId = new Map(labels.map((l) => [l.id, l]));
  return (
    <span className="row-labels">
      {ids.flatMap((id) => {
        const l = byId.get(id);
        return l ? [<LabelChip key={id} name={l.name} color={l.color} />] : [];
      })}
    </span>
  );
}
