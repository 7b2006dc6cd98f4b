import type { Label } from '@parley/contract';
import { useId, useState } from 'react';
import { forgetLabels } from '../../app/labels.js';
import { api } from '../../lib/api.js';
import { colorName, SWATCHES } from '../../lib/colors.js';
import { LabelChip } from '../../ui/label-chip.js';
import { Field, FieldError, type FieldErrors, typed } from './forms.js';
import { useList } from './list.js';
import { NamedForm, NamedListScreen } from './named-list.js';

/** The colour of a label: a swatch (radio buttons, each named), or any colour with the colour input. */
function ColorPicker({ value, onChange, errors }: { value: string; onChange: (c: string) => void; errors: FieldErrors }) {
  const group = useId();
  const customId = useId();
  return (
    <fieldset className="field color-picker">
      <legend>Colour</legend>
      <div className="swatches">
        {SWATCHES.map((s) => (
          <label key={s.color} className="swatch" title={s.name}>
            <input type="radio" name={group} value={s.color} checked={value === s.color} onChange={() => onChange(s.color)} />
            <span className="swatch-dot" style={{ background: s.color }} aria-hidden="true" />
            <span className="sr-only">{s.name}</span>
          </label>
        ))}
      </div>
      <div className="custom-color">
        <label htmlFor={customId}>Custom colour</label>
        <input id={customId} type="color" value={value} onChange={(e) => onChange(e.target.value.toLowerCase())} />
        <span className="muted">{colorName(value)}</span>
      </div>
      <FieldError errors={errors} path="color" />
    </fieldset>
  );
}

function LabelForm({ label, onDone }: { label?: Label; onDone: () => void }) {
  const [name, setName] = useState(label?.name ?? '');
  const [color, setColor] = useState(label?.color ?? SWATCHES[5]?.color ?? '#2f6fdb');
  return (
    <NamedForm
      label={label ? `Edit label ${label.name}` : 'New label'}
      submit={label ? 'Save label' : 'Add label'}
      saved={label ? 'Label saved' : 'Label added'}
      save={() =>
        label
          ? api.call('PATCH /api/v1/labels/{id}', { params: { id: label.id }, body: typed({ name, color }) })
          : api.call('POST /api/v1/labels', { body: typed({ name, color }) })
      }
      reset={() => setName('')}
      onDone={onDone}
      fields={(errors) => (
        <>
          <Field label="Label name" path="name" errors={errors}>
            <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Billing, VIP, Bug…" />
          </Field>
          <ColorPicker value={color} onChange={setColor} errors={errors} />
          <p className="label-preview">
            <span className="muted">Preview: </span>
            <LabelChip name={name.trim() || 'Label'} color={color} />
          </p>
        </>
      )}
    />
  );
}

/** Labels agents put on conversations (a chip row under the conversation header) and filter lists by. */
export function LabelsScreen() {
  const [rows, reloadList] = useList('GET /api/v1/labels');
  // the workspace's chips and filters read the labels again too
  const reload = () => {
    reloadList();
    forgetLabels();
  };
  return (
    <NamedListScreen
      id="console-labels"
      title="Labels"
      intro="Agents add these to conversations and filter the Active list and the All tab by them; the labels report counts them."
      label="Labels"
      noun="label"
      empty="No labels yet."
      rows={rows}
      reload={reload}
      columns={[
        { header: 'Chip', cell: (l) => <LabelChip name={l.name} color={l.color} /> },
        { header: 'Colour', cell: (l) => colorName(l.color) },
      ]}
      remove={(l) => api.call('DELETE /api/v1/labels/{id}', { params: { id: l.id } })}
      newTitle="New label"
      form={(l, onDone) => <LabelForm label={l} onDone={onDone} />}
    />
  );
}
