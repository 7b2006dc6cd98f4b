import type { Bot, CreatedBot } from '@parley/contract';
import { type FormEvent, useState } from 'react';
import { toast } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { exactDur } from './format.js';
import { Field, FieldError, type FieldErrors, FormSubmit, num, typed, useSubmit } from './forms.js';
import { EditAndNew, type SkillRow, useList } from './list.js';
import { ConsoleTable } from './table.js';

/** The skills a bot takes, as checkboxes (a skill another bot takes is refused by the server: 409, shown with the form). */
function SkillChoice(props: { skills: SkillRow[]; chosen: string[]; onChange: (ids: string[]) => void; errors: FieldErrors }) {
  const { skills, chosen, onChange, errors } = props;
  const t = useT();
  return (
    <fieldset className="field">
      <legend>{t('console.bots.skills')}</legend>
      {skills.length === 0 ? <p className="muted">{t('console.bots.noSkills')}</p> : null}
      {skills.map((s) => (
        <label key={s.id} className="check">
          <input
            type="checkbox"
            checked={chosen.includes(s.id)}
            onChange={(e) => onChange(e.target.checked ? [...chosen, s.id] : chosen.filter((id) => id !== s.id))}
          />{' '}
          {s.name}
        </label>
      ))}
      <FieldError errors={errors} path="skillIds" />
    </fieldset>
  );
}

/** Register (no `bot`) or edit a bot: name, URL, skills, reply time. */
function BotForm({ bot, skills, onDone, onCreated }: { bot?: Bot; skills: SkillRow[]; onDone: () => void; onCreated: (b: CreatedBot) => void }) {
  const [name, setName] = useState(bot?.name ?? '');
  const [url, setUrl] = useState(bot?.url ?? '');
  const [skillIds, setSkillIds] = useState<string[]>(bot?.skillIds ?? []);
  const [timeoutSec, setTimeoutSec] = useState(String(bot?.timeoutSec ?? 30));
  const [errors, busy, run] = useSubmit();
  const t = useT();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = { name, url, skillIds, timeoutSec: num(timeoutSec) };
    let created: CreatedBot | undefined;
    const ok = await run(
      async () => {
        if (bot) await api.call('PATCH /api/v1/bots/{id}', { params: { id: bot.id }, body: typed(body) });
        else created = await api.call('POST /api/v1/bots', { body: typed(body) });
      },
      bot ? t('console.bots.saved') : t('console.bots.registered'),
    );
    if (!ok) return;
    if (created) {
      onCreated(created);
      setName('');
      setUrl('');
      setSkillIds([]);
      setTimeoutSec('30');
    }
    onDone();
  }
  return (
    <form className="console-form wide" onSubmit={submit} aria-label={bot ? t('console.bots.editForm', { name: bot.name }) : t('console.bots.new')} noValidate>
      <div className="console-grid">
        <Field label={t('console.bots.name')} path="name" errors={errors}>
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label={t('console.bots.col.url')} path="url" errors={errors}>
          <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder={t('console.bots.urlPlaceholder')} />
        </Field>
        <Field label={t('console.bots.timeout')} path="timeoutSec" errors={errors}>
          <input inputMode="numeric" value={timeoutSec} onChange={(e) => setTimeoutSec(e.target.value)} />
        </Field>
      </div>
      <SkillChoice skills={skills} chosen={skillIds} onChange={setSkillIds} errors={errors} />
      <p className="muted hint">{t('console.bots.hint')}</p>
      <FormSubmit errors={errors} busy={busy}>
        {bot ? t('console.bots.save') : t('console.bots.register')}
      </FormSubmit>
    </form>
  );
}

export function BotsScreen() {
  const [bots, reload] = useList('GET /api/v1/bots');
  const [skills] = useList('GET /api/v1/skills');
  const [editing, setEditing] = useState<string | null>(null);
  const [shown, setShown] = useState<CreatedBot | null>(null);
  const t = useT();
  const skillNames = (ids: string[]) => ids.map((id) => skills.find((s) => s.id === id)?.name ?? id).join(', ') || '—';
  async function remove(b: Bot) {
    if (!confirm(t('console.bots.confirmDelete', { name: b.name }))) return;
    try {
      await api.call('DELETE /api/v1/bots/{id}', { params: { id: b.id } });
      if (editing === b.id) setEditing(null);
      reload();
    } catch (e) {
      toast((e as Error).message, 'error');
    }
  }
  return (
    <section aria-labelledby="console-bots">
      <h3 id="console-bots">{t('console.bots.title')}</h3>
      {shown ? (
        <div className="secret-once" role="status">
          <p>
            <strong>{shown.name}</strong>: {t('console.bots.shownOnce')}
          </p>
          <dl className="kv">
            <dt>{t('console.bots.key')}</dt>
            <dd>
              <code data-testid="bot-key">{shown.key}</code>
            </dd>
            <dt>{t('console.bots.secret')}</dt>
            <dd>
              <code data-testid="bot-secret">{shown.secret}</code>
            </dd>
          </dl>
          <button type="button" className="button" onClick={() => setShown(null)}>
            {t('console.bots.done')}
          </button>
        </div>
      ) : null}
      <div className="table-scroll">
        <ConsoleTable
          label={t('console.bots.title')}
          columns={[
            t('console.bots.col.name'),
            t('console.bots.col.skills'),
            t('console.bots.col.replyTime'),
            t('console.bots.col.url'),
            t('console.bots.col.key'),
          ]}
          actions
        >
          {bots.map((b) => (
            <tr key={b.id}>
              <td>{b.name}</td>
              <td data-label={t('console.bots.col.skills')}>{skillNames(b.skillIds)}</td>
              <td data-label={t('console.bots.col.replyTime')}>{exactDur(b.timeoutSec)}</td>
              <td data-label={t('console.bots.col.url')}>
                <code>{b.url}</code>
              </td>
              <td data-label={t('console.bots.col.key')}>
                <code>{b.keyPrefix}…</code>
              </td>
              <td className="actions">
                <button
                  type="button"
                  className="button"
                  onClick={() => setEditing(editing === b.id ? null : b.id)}
                  aria-label={t('console.bots.editLabel', { name: b.name })}
                >
                  {t('console.bots.edit')}
                </button>{' '}
                <button type="button" className="button" onClick={() => void remove(b)} aria-label={t('console.bots.deleteLabel', { name: b.name })}>
                  {t('console.bots.delete')}
                </button>
              </td>
            </tr>
          ))}
        </ConsoleTable>
      </div>
      {bots.length === 0 ? <p className="muted">{t('console.bots.none')}</p> : null}
      <EditAndNew
        rows={bots}
        editing={editing}
        setEditing={setEditing}
        reload={reload}
        newTitle={t('console.bots.new')}
        form={(bot, onDone) => <BotForm bot={bot} skills={skills} onDone={onDone} onCreated={setShown} />}
      />
    </section>
  );
}
