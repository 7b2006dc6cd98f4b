import type { Label } from '@parley/contract';
import { useId, useState } from 'react';
import { forgetLabels } from '../../app/labels.js';
import { useT } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { SWATCHES, swatchOf } from '../../lib/colors.js';
import { LabelChip } from '../../ui/label-chip.js';
import { Field, FieldError, type FieldErrors, typed } from './forms.js';
import { useList } from './list.js';
import { NamedForm, NamedListScreen } from './named-list.js';

/** A colour as the console names it: its swatch's name, or its code. */
function useColorName(): (color: string) => string {
  const t = useT();
  return (color) => {
    const key = swatchOf(color);
    return key ? t(`console.labels.swatch.${key}` as const) : color.toLowerCase();
  };
}

/** The colour of a label: a swatch (radio buttons, each named), or any colour with the colour input. */
function ColorPicker({ value, onChange, errors }: { value: string; onChange: (c: string) => void; errors: FieldErrors }) {
  const group = useId();
  const customId = useId();
  const t = useT();
  const colorName = useColorName();
  return (
    <fieldset className="field color-picker">
      <legend>{t('console.labels.colour')}</legend>
      <div className="swatches">
        {SWATCHES.map((s) => (
          <label key={s.color} className="swatch" title={t(`console.labels.swatch.${s.key}` as const)}>
            <input type="radio" name={group} value={s.color} checked={value === s.color} onChange={() => onChange(s.color)} />
            <span className="swatch-dot" style={{ background: s.color }} aria-hidden="true" />
            <span className="sr-only">{t(`console.labels.swatch.${s.key}` as const)}</span>
          </label>
        ))}
      </div>
      <div className="custom-color">
        <label htmlFor={customId}>{t('console.labels.custom')}</label>
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
  const t = useT();
  return (
    <NamedForm
      label={label ? t('console.labels.edit', { name: label.name }) : t('console.labels.new')}
      submit={label ? t('console.labels.save') : t('console.labels.add')}
      saved={label ? t('console.labels.saved') : t('console.labels.added')}
      save={() =>
        label
          ? api.call('PATCH /api/v1/labels/{id}', { params: { id: label.id }, body: typed({ name, color }) })
          : api.call('POST /api/v1/labels', { body: typed({ name, color }) })
      }
      reset={() => setName('')}
      onDone={onDone}
      fields={(errors) => (
        <>
          <Field label={t('console.labels.name')} path="name" errors={errors}>
            <input value={name} onChange={(e) => setName(e.target.value)} placeholder={t('console.labels.namePlaceholder')} />
          </Field>
          <ColorPicker value={color} onChange={setColor} errors={errors} />
          <p className="label-preview">
            <span className="muted">{t('console.labels.preview')} </span>
            <LabelChip name={name.trim() || t('console.labels.previewName')} color={color} />
          </p>
        </>
      )}
    />
  );
}

/** Labels agents put on conversations (a chip row under the conversation header) and filter lists by. */
export function LabelsScreen() {
  const [rows, reloadList] = useList('GET /api/v1/labels');
  const t = useT();
  const colorName = useColorName();
  // the workspace's chips and filters read the labels again too
  const reload = () => {
    reloadList();
    forgetLabels();
  };
  return (
    <NamedListScreen
      id="console-labels"
      title={t('console.labels.title')}
      intro={t('console.labels.intro')}
      label={t('console.labels.title')}
      confirmDelete={(l) => t('console.labels.confirmDelete', { name: l.name })}
      empty={t('console.labels.empty')}
      rows={rows}
      reload={reload}
      columns={[
        { header: t('console.labels.chip'), cell: (l) => <LabelChip name={l.name} color={l.color} /> },
        { header: t('console.labels.colour'), cell: (l) => colorName(l.color) },
      ]}
      remove={(l) => api.call('DELETE /api/v1/labels/{id}', { params: { id: l.id } })}
      newTitle={t('console.labels.new')}
      form={(l, onDone) => <LabelForm label={l} onDone={onDone} />}
    />
  );
}
