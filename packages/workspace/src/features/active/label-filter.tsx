import { useLabels } from '../../app/labels.js';

/** A list's label filter (the Active list, the All tab): every label, or one. Hidden while the account has none. */
export function LabelFilter({ value, onChange }: { value: string | null; onChange: (labelId: string | null) => void }) {
  const labels = useLabels();
  if (labels.length === 0 && value === null) return null;
  return (
    <label className="field label-filter">
      <span>Label</span>
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value || null)}>
        <option value="">All labels</option>
        {labels.map((l) => (
          <option key={l.id} value={l.id}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}
