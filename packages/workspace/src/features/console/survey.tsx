import { DEFAULT_LANGUAGE, LANGUAGE_NAMES, type Language, supportedLanguage, type TextByLanguage } from '@parley/contract';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { toast } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { Field, FieldError, type FieldErrors, FormSubmit, num, typed, useSubmit } from './forms.js';
import { defaultText, LocalizedTextField } from './localized-text.js';

type Json = Record<string, unknown>;

interface Question {
  id: string;
  type: 'csat' | 'nps' | 'text' | 'choice';
  /** One text, or one per language. */
  text: TextByLanguage;
  /** Each choice one label, or one per language. */
  choices?: TextByLanguage[];
}

/**
 * A choice question's choices: one field per choice, each written once or per language ("Add a
 * language", as the question text). Answers are kept as the default language's label.
 */
function ChoicesField({
  path,
  choices,
  errors,
  defaultLanguage,
  onChange,
}: {
  path: string;
  choices: TextByLanguage[];
  errors: FieldErrors;
  defaultLanguage: Language;
  onChange: (c: TextByLanguage[]) => void;
}) {
  const t = useT();
  // the list's own error (too few, two alike), not those of one choice
  const own: FieldErrors = errors[path] ? { [path]: errors[path] } : {};
  return (
    <fieldset className="survey-choices">
      <legend>{t('console.survey.choiceList')}</legend>
      <p className="muted hint">{t('console.survey.choicesHint', { language: LANGUAGE_NAMES[defaultLanguage] })}</p>
      <ol className="survey-choice-list">
        {choices.map((c, j) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: choices are edited in place and may read alike while typed
          <li key={j} className="survey-choice">
            <LocalizedTextField
              label={t('console.survey.choiceNumbered', { number: j + 1 })}
              path={`${path}.${j}`}
              errors={errors}
              value={c}
              defaultLanguage={defaultLanguage}
              onChange={(v) => onChange(choices.map((x, k) => (k === j ? v : x)))}
            />
            <button type="button" className="button" onClick={() => onChange(choices.filter((_, k) => k !== j))}>
              {t('console.survey.removeChoice', { number: j + 1 })}
            </button>
          </li>
        ))}
      </ol>
      <FieldError errors={own} path={path} />
      <button type="button" className="button" onClick={() => onChange([...choices, ''])}>
        {t('console.survey.addChoice')}
      </button>
    </fieldset>
  );
}

function Preview({ q, language }: { q: Question; language: Language }) {
  if (q.type === 'csat')
    return (
      <div className="preview-scale" aria-hidden="true">
        {[1, 2, 3, 4, 5].map((n) => (
          <span key={n}>{n}</span>
        ))}
      </div>
    );
  if (q.type === 'nps')
    return (
      <div className="preview-scale" aria-hidden="true">
        {[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => (
          <span key={n}>{n}</span>
        ))}
      </div>
    );
  if (q.type === 'choice')
    return (
      <div className="preview-scale">
        {(q.choices ?? []).map((c, j) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a preview of the choices in order
          <span key={j}>{defaultText(c, language) || '…'}</span>
        ))}
      </div>
    );
  return <div className="preview-text" aria-hidden="true" />;
}

interface SurveySettings {
  enabled: boolean;
  onAutoClose: boolean;
  timeoutSec: number;
  questions: Question[];
}

export function SurveyScreen() {
  const t = useT();
  const [survey, setSurvey] = useState<SurveySettings | null>(null);
  /** The account's default consumer language: the one every per-language text needs. */
  const [accountLanguage, setAccountLanguage] = useState<Language>(DEFAULT_LANGUAGE);
  /** The timeout as typed: a wrong value goes to the API and comes back as the field's error. */
  const [timeout, setTimeoutText] = useState('');
  const [errors, busy, run] = useSubmit();
  const show = useCallback((s: Json) => {
    const sv = s.survey as SurveySettings;
    setSurvey(sv);
    setAccountLanguage(supportedLanguage(String(s.language ?? '')) ?? DEFAULT_LANGUAGE);
    setTimeoutText(String(sv.timeoutSec));
  }, []);
  useEffect(() => {
    api.call('GET /api/v1/account/settings').then(show, (e: Error) => toast(e.message, 'error'));
  }, [show]);
  if (!survey) return <p className="muted">{t('console.survey.loading')}</p>;
  const sv = survey;
  const update = (i: number, q: Partial<Question>) => setSurvey({ ...sv, questions: sv.questions.map((x, j) => (j === i ? { ...x, ...q } : x)) });
  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(
      async () => show(await api.call('PATCH /api/v1/account/settings', { body: typed({ survey: { ...sv, timeoutSec: num(timeout) } }) })),
      t('console.survey.saved'),
    );
  }
  return (
    <form className="console-form wide" onSubmit={submit} aria-labelledby="console-survey" noValidate>
      <h3 id="console-survey">{t('console.survey.title')}</h3>
      <label className="check">
        <input type="checkbox" checked={sv.enabled} onChange={(e) => setSurvey({ ...sv, enabled: e.target.checked })} /> {t('console.survey.enabled')}
      </label>
      <label className="check">
        <input type="checkbox" checked={sv.onAutoClose} onChange={(e) => setSurvey({ ...sv, onAutoClose: e.target.checked })} />{' '}
        {t('console.survey.onAutoClose')}
      </label>
      <div className="console-grid">
        <Field label={t('console.survey.timeout')} path="survey.timeoutSec" errors={errors}>
          <input inputMode="numeric" value={timeout} onChange={(e) => setTimeoutText(e.target.value)} />
        </Field>
      </div>
      <p className="muted hint">{t('console.survey.timeoutHint')}</p>
      <ol className="survey-questions">
        {sv.questions.map((q, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: questions are edited in place, ids may be typed over
          <li key={i} className="survey-question">
            <div className="console-grid">
              <Field label={t('console.survey.questionId')} path={`survey.questions.${i}.id`} errors={errors}>
                <input value={q.id} onChange={(e) => update(i, { id: e.target.value })} />
              </Field>
              <Field label={t('console.survey.type')} path={`survey.questions.${i}.type`} errors={errors}>
                <select
                  value={q.type}
                  onChange={(e) => {
                    const type = e.target.value as Question['type'];
                    update(i, { type, choices: type === 'choice' ? (q.choices ?? ['', '']) : undefined });
                  }}
                >
                  <option value="csat">{t('console.survey.type.csat')}</option>
                  <option value="nps">{t('console.survey.type.nps')}</option>
                  <option value="text">{t('console.survey.type.text')}</option>
                  <option value="choice">{t('console.survey.type.choice')}</option>
                </select>
              </Field>
            </div>
            <LocalizedTextField
              label={t('console.survey.questionText')}
              path={`survey.questions.${i}.text`}
              errors={errors}
              value={q.text}
              defaultLanguage={accountLanguage}
              onChange={(text) => update(i, { text })}
            />
            {q.type === 'choice' ? (
              <ChoicesField
                path={`survey.questions.${i}.choices`}
                choices={q.choices ?? []}
                errors={errors}
                defaultLanguage={accountLanguage}
                onChange={(choices) => update(i, { choices })}
              />
            ) : null}
            <div className="survey-preview">
              <span className="muted">{t('console.survey.preview')}</span> <strong>{defaultText(q.text, accountLanguage) || '…'}</strong>
              <Preview q={q} language={accountLanguage} />
            </div>
            <button
              type="button"
              className="button"
              aria-label={t('console.survey.removeNumbered', { number: i + 1 })}
              onClick={() => setSurvey({ ...sv, questions: sv.questions.filter((_, j) => j !== i) })}
            >
              {t('console.survey.remove')}
            </button>
          </li>
        ))}
      </ol>
      <button
        type="button"
        className="button"
        onClick={() => setSurvey({ ...sv, questions: [...sv.questions, { id: `q${sv.questions.length + 1}`, type: 'csat', text: '' }] })}
      >
        {t('console.survey.addQuestion')}
      </button>
      <FormSubmit errors={errors} busy={busy}>
        {t('console.survey.save')}
      </FormSubmit>
    </form>
  );
}
