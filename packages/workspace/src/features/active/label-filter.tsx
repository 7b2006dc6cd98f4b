import { useLabels } from '../../app/labels.js';
import { useT } from '../../i18n/index.js';

/** A list's label filter (the Active list, the All tab): every label, or one. Hidden while the account has none. */
export function LabelFilter({ value, onChange }: { value: string | null; onChange: (labelId: string | null) => void }) {
  const labels = useLabels();
  const t = useT();
  if (labels.length === 0 && value === null) return null;
  return (
    <label className="field label-filter">
      <span>{t('labels.filterLabel')}</span>
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value || null)}>
        <option value="">{t('labels.all')}</option>
        {labels.map((l) => (
          <option key={l.id} value={l.id}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}
