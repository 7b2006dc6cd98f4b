import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { toast } from '../../app/store.js';
import { api } from '../../lib/api.js';
import { Field, FormSubmit, num, typed, useSubmit } from './forms.js';

type Json = Record<string, unknown>;

interface Question {
  id: string;
  type: 'csat' | 'nps' | 'text' | 'choice';
  text: string;
  choices?: string[];
}

function Preview({ q }: { q: Question }) {
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
        {(q.choices ?? []).map((c) => (
          <span key={c}>{c}</span>
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
  const [survey, setSurvey] = useState<SurveySettings | null>(null);
  /** The timeout as typed: a wrong value goes to the API and comes back as the field's error. */
  const [timeout, setTimeoutText] = useState('');
  const [errors, busy, run] = useSubmit();
  const show = useCallback((s: Json) => {
    const sv = s.survey as SurveySettings;
    setSurvey(sv);
    setTimeoutText(String(sv.timeoutSec));
  }, []);
  useEffect(() => {
    api.call('GET /api/v1/account/settings').then(show, (e: Error) => toast(e.message, 'error'));
  }, [show]);
  if (!survey) return <p className="muted">Loading…</p>;
  const sv = survey;
  const update = (i: number, q: Partial<Question>) => setSurvey({ ...sv, questions: sv.questions.map((x, j) => (j === i ? { ...x, ...q } : x)) });
  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(
      async () => show(await api.call('PATCH /api/v1/account/settings', { body: typed({ survey: { ...sv, timeoutSec: num(timeout) } }) })),
      'Survey saved',
    );
  }
  return (
    <form className="console-form wide" onSubmit={submit} aria-labelledby="console-survey" noValidate>
      <h3 id="console-survey">Post-conversation survey</h3>
      <label className="check">
        <input type="checkbox" checked={sv.enabled} onChange={(e) => setSurvey({ ...sv, enabled: e.target.checked })} /> Send the survey when a conversation
        closes
      </label>
      <label className="check">
        <input type="checkbox" checked={sv.onAutoClose} onChange={(e) => setSurvey({ ...sv, onAutoClose: e.target.checked })} /> Also after auto-close
      </label>
      <div className="console-grid">
        <Field label="Survey timeout (s)" path="survey.timeoutSec" errors={errors}>
          <input inputMode="numeric" value={timeout} onChange={(e) => setTimeoutText(e.target.value)} />
        </Field>
      </div>
      <p className="muted hint">A survey not answered within this time expires.</p>
      <ol className="survey-questions">
        {sv.questions.map((q, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: questions are edited in place, ids may be typed over
          <li key={i} className="survey-question">
            <div className="console-grid">
              <Field label="Question id" path={`survey.questions.${i}.id`} errors={errors}>
                <input value={q.id} onChange={(e) => update(i, { id: e.target.value })} />
              </Field>
              <Field label="Type" path={`survey.questions.${i}.type`} errors={errors}>
                <select
                  value={q.type}
                  onChange={(e) => {
                    const type = e.target.value as Question['type'];
                    update(i, { type, choices: type === 'choice' ? (q.choices ?? ['Yes', 'No']) : undefined });
                  }}
                >
                  <option value="csat">CSAT (1–5)</option>
                  <option value="nps">NPS (0–10)</option>
                  <option value="text">Text</option>
                  <option value="choice">Choice</option>
                </select>
              </Field>
            </div>
            <Field label="Question text" path={`survey.questions.${i}.text`} errors={errors}>
              <input value={q.text} onChange={(e) => update(i, { text: e.target.value })} />
            </Field>
            {q.type === 'choice' ? (
              <Field label="Choices (comma-separated)" path={`survey.questions.${i}.choices`} errors={errors}>
                <input value={(q.choices ?? []).join(', ')} onChange={(e) => update(i, { choices: e.target.value.split(',').map((c) => c.trim()) })} />
              </Field>
            ) : null}
            <div className="survey-preview">
              <span className="muted">Preview:</span> <strong>{q.text || '…'}</strong>
              <Preview q={q} />
            </div>
            <button
              type="button"
              className="button"
              aria-label={`Remove question ${i + 1}`}
              onClick={() => setSurvey({ ...sv, questions: sv.questions.filter((_, j) => j !== i) })}
            >
              Remove question
            </button>
          </li>
        ))}
      </ol>
      <button
        type="button"
        className="button"
        onClick={() => setSurvey({ ...sv, questions: [...sv.questions, { id: `q${sv.questions.length + 1}`, type: 'csat', text: '' }] })}
      >
        Add question
      </button>
      <FormSubmit errors={errors} busy={busy}>
        Save survey
      </FormSubmit>
    </form>
  );
}
