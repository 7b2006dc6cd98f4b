import type { Bot, CreatedBot } from '@parley/contract';
import { type FormEvent, useState } from 'react';
import { toast } from '../../app/store.js';
import { api } from '../../lib/api.js';
import { exactDur } from './format.js';
import { Field, FieldError, type FieldErrors, FormSubmit, num, typed, useSubmit } from './forms.js';
import { EditAndNew, type SkillRow, useList } from './list.js';
import { ConsoleTable } from './table.js';

/** The skills a bot takes, as checkboxes (a skill another bot takes is refused by the server: 409, shown with the form). */
function SkillChoice(props: { skills: SkillRow[]; chosen: string[]; onChange: (ids: string[]) => void; errors: FieldErrors }) {
  const { skills, chosen, onChange, errors } = props;
  return (
    <fieldset className="field">
      <legend>Skills it answers first</legend>
      {skills.length === 0 ? <p className="muted">No skills yet.</p> : null}
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
  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = { name, url, skillIds, timeoutSec: num(timeoutSec) };
    let created: CreatedBot | undefined;
    const ok = await run(
      async () => {
        if (bot) await api.call('PATCH /api/v1/bots/{id}', { params: { id: bot.id }, body: typed(body) });
        else created = await api.call('POST /api/v1/bots', { body: typed(body) });
      },
      bot ? 'Bot saved' : 'Bot registered',
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
    <form className="console-form wide" onSubmit={submit} aria-label={bot ? `Edit bot ${bot.name}` : 'New bot'} noValidate>
      <div className="console-grid">
        <Field label="Bot name" path="name" errors={errors}>
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Delivery URL" path="url" errors={errors}>
          <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://bot.example.com/parley" />
        </Field>
        <Field label="Reply time (s)" path="timeoutSec" errors={errors}>
          <input inputMode="numeric" value={timeoutSec} onChange={(e) => setTimeoutSec(e.target.value)} />
        </Field>
      </div>
      <SkillChoice skills={skills} chosen={skillIds} onChange={setSkillIds} errors={errors} />
      <p className="muted hint">
        New conversations of these skills go to the bot first. If it does not answer within the reply time, or cannot be reached, the conversation goes to the
        agents by itself.
      </p>
      <FormSubmit errors={errors} busy={busy}>
        {bot ? 'Save bot' : 'Register bot'}
      </FormSubmit>
    </form>
  );
}

export function BotsScreen() {
  const [bots, reload] = useList('GET /api/v1/bots');
  const [skills] = useList('GET /api/v1/skills');
  const [editing, setEditing] = useState<string | null>(null);
  const [shown, setShown] = useState<CreatedBot | null>(null);
  const skillNames = (ids: string[]) => ids.map((id) => skills.find((s) => s.id === id)?.name ?? id).join(', ') || '—';
  async function remove(b: Bot) {
    if (!confirm(`Delete the bot ${b.name}? Its key stops working and the conversations it has go to the agents.`)) return;
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
      <h3 id="console-bots">Bots</h3>
      {shown ? (
        <div className="secret-once" role="status">
          <p>
            <strong>{shown.name}</strong>: copy the key and the signing secret now, they are shown only once. The bot answers with the key (
            <code>Authorization: Bearer …</code>) and checks each delivery with the secret (Standard Webhooks).
          </p>
          <dl className="kv">
            <dt>Key</dt>
            <dd>
              <code data-testid="bot-key">{shown.key}</code>
            </dd>
            <dt>Signing secret</dt>
            <dd>
              <code data-testid="bot-secret">{shown.secret}</code>
            </dd>
          </dl>
          <button type="button" className="button" onClick={() => setShown(null)}>
            Done
          </button>
        </div>
      ) : null}
      <div className="table-scroll">
        <ConsoleTable label="Bots" columns={['Name', 'Skills', 'Reply time', 'Delivery URL', 'Key']} actions>
          {bots.map((b) => (
            <tr key={b.id}>
              <td>{b.name}</td>
              <td data-label="Skills">{skillNames(b.skillIds)}</td>
              <td data-label="Reply time">{exactDur(b.timeoutSec)}</td>
              <td data-label="Delivery URL">
                <code>{b.url}</code>
              </td>
              <td data-label="Key">
                <code>{b.keyPrefix}…</code>
              </td>
              <td className="actions">
                <button type="button" className="button" onClick={() => setEditing(editing === b.id ? null : b.id)} aria-label={`Edit ${b.name}`}>
                  Edit
                </button>{' '}
                <button type="button" className="button" onClick={() => void remove(b)} aria-label={`Delete ${b.name}`}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </ConsoleTable>
      </div>
      {bots.length === 0 ? <p className="muted">No bots yet: every conversation goes to the agents.</p> : null}
      <EditAndNew
        rows={bots}
        editing={editing}
        setEditing={setEditing}
        reload={reload}
        newTitle="New bot"
        form={(bot, onDone) => <BotForm bot={bot} skills={skills} onDone={onDone} onCreated={setShown} />}
      />
    </section>
  );
}
