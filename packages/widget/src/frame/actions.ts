/** The consumer's other actions: mark urgent, end the conversation, answer the survey. */
import { t } from '../i18n/index.js';
import { ApiError } from './api.js';
import { refreshConversation } from './events.js';
import { surveyAnswers } from './logic.js';
import { render, showNotice } from './render.js';
import { mergeConversation, refreshCurrent } from './session.js';
import { api, current, state, ui } from './state.js';

export async function markUrgent(): Promise<void> {
  const c = current();
  if (!c) return;
  try {
    mergeConversation(await api.urgent(c.id));
    state.urgentJustMarked = true;
    void refreshCurrent();
  } catch (err) {
    showNotice(err);
  }
  render();
}

export async function endConversation(): Promise<void> {
  const c = current();
  state.confirming = false;
  if (!c) return render();
  try {
    mergeConversation(await api.close(c.id));
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) await refreshConversation(c.id);
    else showNotice(err);
  }
  render();
  ui.text.focus();
}

export async function submitSurvey(conversationId: string, form: HTMLFormElement): Promise<void> {
  const s = state.surveys.get(conversationId);
  if (s?.status !== 'form') return;
  const data = new FormData(form);
  const raw: Record<string, string | undefined> = {};
  for (const q of s.req.questions) raw[q.id] = data.get(q.id)?.toString();
  const { answers, missing } = surveyAnswers(s.req.questions, raw);
  const err = form.querySelector<HTMLElement>('.form-error');
  const button = form.querySelector<HTMLButtonElement>('button[type=submit]');
  if (missing.length > 0) {
    if (err) err.textContent = t('survey.missing');
    form.querySelector<HTMLInputElement>(`[name="${CSS.escape(missing[0] ?? '')}"]`)?.focus();
    return;
  }
  s.status = 'sending';
  if (button) button.disabled = true;
  if (err) err.textContent = '';
  try {
    await api.survey(conversationId, answers);
    s.status = 'done';
  } catch (e) {
    s.status = 'form';
    if (button) button.disabled = false;
    const expired = e instanceof ApiError && (e.status === 409 || e.status === 410);
    if (err) err.textContent = expired ? t('survey.expiredSorry') : e instanceof Error ? e.message : t('survey.failed');
    return;
  }
  render();
  ui.log.querySelector<HTMLElement>('.survey-done')?.focus();
}
