import { LANGUAGE_NAMES, LANGUAGES, type Language, type TextByLanguage } from '@parley/contract';
import { useId, useState } from 'react';
import { useT } from '../../i18n/index.js';
import { Field, type FieldErrors } from './forms.js';

/** The text a manager sees as "the" text: the default language's, else the plain one, else any. */
export function defaultText(text: TextByLanguage, defaultLanguage: string): string {
  if (typeof text === 'string') return text;
  return text[defaultLanguage as Language] ?? Object.values(text)[0] ?? '';
}

/**
 * A text for consumers written once for every language, or per language (API.md "Languages"):
 * one field while it is a single text; "Add a language" turns it into one field per language, the
 * account's default first. Removing all but the default's turns it back into a single text.
 */
export function LocalizedTextField({
  label,
  path,
  errors,
  value,
  defaultLanguage,
  onChange,
  multiline,
}: {
  label: string;
  path: string;
  errors: FieldErrors;
  value: TextByLanguage;
  defaultLanguage: Language;
  onChange: (v: TextByLanguage) => void;
  multiline?: boolean;
}) {
  const t = useT();
  const pickId = useId();
  const byLanguage: Partial<Record<Language, string>> = typeof value === 'string' ? { [defaultLanguage]: value } : value;
  const written = LANGUAGES.filter((l) => l in byLanguage);
  const order = [defaultLanguage, ...written.filter((l) => l !== defaultLanguage)].filter((l) => l in byLanguage || l === defaultLanguage);
  const missing = LANGUAGES.filter((l) => !(l in byLanguage));
  const [adding, setAdding] = useState<Language | ''>('');
  const input = (lang: Language) => {
    const set = (text: string) => (typeof value === 'string' ? onChange(text) : onChange({ ...byLanguage, [lang]: text }));
    const v = byLanguage[lang] ?? '';
    return multiline ? <textarea rows={2} value={v} onChange={(e) => set(e.target.value)} /> : <input value={v} onChange={(e) => set(e.target.value)} />;
  };
  if (typeof value === 'string')
    return (
      <div className="localized-text">
        <Field label={label} path={path} errors={errors}>
          {input(defaultLanguage)}
        </Field>
        <AddLanguage id={pickId} missing={missing} adding={adding} setAdding={setAdding} onAdd={(l) => onChange({ [defaultLanguage]: value, [l]: '' })} />
      </div>
    );
  return (
    <div className="localized-text">
      {order.map((lang) => (
        <div key={lang} className="localized-row">
          <Field label={t('console.survey.textIn', { label, language: LANGUAGE_NAMES[lang] })} path={`${path}.${lang}`} errors={errors}>
            {input(lang)}
          </Field>
          {lang === defaultLanguage ? null : (
            <button
              type="button"
              className="button"
              onClick={() => {
                const rest: Partial<Record<Language, string>> = { ...byLanguage };
                delete rest[lang];
                const left = Object.keys(rest);
                onChange(left.length === 1 && left[0] === defaultLanguage ? (rest[defaultLanguage] ?? '') : rest);
              }}
            >
              {t('console.survey.removeLanguage', { language: LANGUAGE_NAMES[lang] })}
            </button>
          )}
        </div>
      ))}
      <AddLanguage id={pickId} missing={missing} adding={adding} setAdding={setAdding} onAdd={(l) => onChange({ ...byLanguage, [l]: '' })} />
    </div>
  );
}

function AddLanguage({
  id,
  missing,
  adding,
  setAdding,
  onAdd,
}: {
  id: string;
  missing: Language[];
  adding: Language | '';
  setAdding: (l: Language | '') => void;
  onAdd: (l: Language) => void;
}) {
  const t = useT();
  if (missing.length === 0) return null;
  return (
    <div className="localized-add">
      <label htmlFor={id}>{t('console.survey.addLanguage')}</label>
      <select id={id} value={adding} onChange={(e) => setAdding(e.target.value as Language | '')}>
        <option value="">{t('console.survey.pickLanguage')}</option>
        {missing.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="button"
        disabled={!adding}
        onClick={() => {
          if (!adding) return;
          onAdd(adding);
          setAdding('');
        }}
      >
        {t('console.survey.add')}
      </button>
    </div>
  );
}
