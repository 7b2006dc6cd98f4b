import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { toast } from '../../app/store.js';
import { api, seg } from '../../lib/api.js';
import type { User } from '../../lib/types.js';
import { Field, FieldError, FormError, num, useSubmit } from './forms.js';

export interface SkillRow {
  id: string;
  name: string;
  description: string;
  sla?: Record<string, number>;
  autoClose?: Record<string, unknown>;
}

function useList<T>(path: string): [T[], () => void] {
  const [items, setItems] = useState<T[]>([]);
  const load = useCallback(() => {
    api.get<{ items: T[] }>(path).then(
      (r) => setItems(r.items),
      (e: Error) => toast(e.message, 'error'),
    );
  }, [path]);
  useEffect(load, [load]);
  return [items, load];
}

// ---------------------------------------------------------------- skills

function SkillForm({ skill, onDone }: { skill?: SkillRow; onDone: () => void }) {
  const [name, setName] = useState(skill?.name ?? '');
  const [description, setDescription] = useState(skill?.description ?? '');
  const [slaDefault, setSlaDefault] = useState(String(skill?.sla?.defaultSec ?? ''));
  const [autoCloseAfter, setAutoCloseAfter] = useState(String((skill?.autoClose?.afterSec as number | undefined) ?? ''));
  const [errors, busy, run] = useSubmit();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const body: Record<string, unknown> = { name, description };
    if (slaDefault.trim()) body.sla = { defaultSec: num(slaDefault) };
    if (autoCloseAfter.trim()) body.autoClose = { enabled: true, afterSec: num(autoCloseAfter) };
    const ok = await run(
      () => (skill ? api.patch(`/api/v1/skills/${seg(skill.id)}`, body) : api.post('/api/v1/skills', body)),
      skill ? 'Skill saved' : 'Skill created',
    );
    if (ok) {
      if (!skill) {
        setName('');
        setDescription('');
        setSlaDefault('');
        setAutoCloseAfter('');
      }
      onDone();
    }
  }
  return (
    <form className="console-form" onSubmit={submit} aria-label={skill ? `Edit skill ${skill.name}` : 'New skill'} noValidate>
      <Field label="Skill name" path="name" errors={errors}>
        <input value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field label="Description" path="description" errors={errors}>
        <input value={description} onChange={(e) => setDescription(e.target.value)} />
      </Field>
      <Field label="SLA override (s)" path="sla" errors={errors}>
        <input inputMode="numeric" value={slaDefault} onChange={(e) => setSlaDefault(e.target.value)} placeholder="account default" />
      </Field>
      <Field label="Auto-close after (s)" path="autoClose" errors={errors}>
        <input inputMode="numeric" value={autoCloseAfter} onChange={(e) => setAutoCloseAfter(e.target.value)} placeholder="account default" />
      </Field>
      <FormError errors={errors} />
      <button type="submit" className="button primary" disabled={busy}>
        {skill ? 'Save skill' : 'Create skill'}
      </button>
    </form>
  );
}

export function SkillsScreen() {
  const [skills, reload] = useList<SkillRow>('/api/v1/skills');
  const [editing, setEditing] = useState<string | null>(null);
  async function remove(s: SkillRow) {
    if (!confirm(`Delete the skill ${s.name}?`)) return;
    try {
      await api.del(`/api/v1/skills/${seg(s.id)}`);
      reload();
    } catch (e) {
      toast((e as Error).message, 'error');
    }
  }
  return (
    <section aria-labelledby="console-skills">
      <h3 id="console-skills">Skills</h3>
      <table className="console-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Description</th>
            <th>SLA</th>
            <th>Auto-close</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {skills.map((s) => (
            <tr key={s.id}>
              <td>{s.name}</td>
              <td>{s.description}</td>
              <td>{s.sla?.defaultSec ? `${s.sla.defaultSec} s` : '—'}</td>
              <td>{s.autoClose?.afterSec ? `${String(s.autoClose.afterSec)} s` : '—'}</td>
              <td>
                <button type="button" className="button" onClick={() => setEditing(editing === s.id ? null : s.id)}>
                  Edit
                </button>{' '}
                <button type="button" className="button" onClick={() => void remove(s)}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing ? (
        <SkillForm
          key={editing}
          skill={skills.find((s) => s.id === editing)}
          onDone={() => {
            setEditing(null);
            reload();
          }}
        />
      ) : null}
      <h4>New skill</h4>
      <SkillForm onDone={reload} />
    </section>
  );
}

// ---------------------------------------------------------------- agents

function AgentForm({ user, skills, onDone }: { user?: User; skills: SkillRow[]; onDone: () => void }) {
  const [username, setUsername] = useState(user?.username ?? '');
  const [displayName, setDisplayName] = useState(user?.displayName ?? '');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<User['role']>(user?.role ?? 'agent');
  const [maxConcurrent, setMax] = useState(String(user?.maxConcurrent ?? 5));
  const [chosen, setChosen] = useState<string[]>(user?.skills ?? []);
  const [errors, busy, run] = useSubmit();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const body: Record<string, unknown> = { displayName, role, skills: chosen, maxConcurrent: num(maxConcurrent) };
    if (!user) Object.assign(body, { username, password });
    else if (password) body.password = password;
    const ok = await run(
      () => (user ? api.patch(`/api/v1/users/${seg(user.id)}`, body) : api.post('/api/v1/users', body)),
      user ? 'Agent saved' : 'Agent created',
    );
    if (ok) {
      if (!user) {
        setUsername('');
        setDisplayName('');
        setPassword('');
        setChosen([]);
      }
      onDone();
    }
  }
  return (
    <form className="console-form" onSubmit={submit} aria-label={user ? `Edit ${user.displayName}` : 'New agent'} noValidate>
      {user ? null : (
        <Field label="Username" path="username" errors={errors}>
          <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
        </Field>
      )}
      <Field label="Display name" path="displayName" errors={errors}>
        <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
      </Field>
      <Field label={user ? 'New password (resets it)' : 'Password'} path="password" errors={errors}>
        <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
      </Field>
      <Field label="Role" path="role" errors={errors}>
        <select value={role} onChange={(e) => setRole(e.target.value as User['role'])}>
          <option value="agent">Agent</option>
          <option value="manager">Manager</option>
        </select>
      </Field>
      <Field label="Max. concurrent conversations" path="maxConcurrent" errors={errors}>
        <input inputMode="numeric" value={maxConcurrent} onChange={(e) => setMax(e.target.value)} />
      </Field>
      <fieldset className="field">
        <legend>Skills</legend>
        {skills.map((s) => (
          <label key={s.id} className="check">
            <input
              type="checkbox"
              checked={chosen.includes(s.id)}
              onChange={(e) => setChosen((c) => (e.target.checked ? [...c, s.id] : c.filter((x) => x !== s.id)))}
            />{' '}
            {s.name}
          </label>
        ))}
        <FieldError errors={errors} path="skills" />
      </fieldset>
      <FormError errors={errors} />
      <button type="submit" className="button primary" disabled={busy}>
        {user ? 'Save agent' : 'Create agent'}
      </button>
    </form>
  );
}

export function AgentsScreen() {
  const [users, reload] = useList<User>('/api/v1/users');
  const [skills] = useList<SkillRow>('/api/v1/skills');
  const [editing, setEditing] = useState<string | null>(null);
  async function act(fn: () => Promise<unknown>, ok: string) {
    try {
      await fn();
      toast(ok);
      reload();
    } catch (e) {
      toast((e as Error).message, 'error');
    }
  }
  const skillName = (id: string) => skills.find((s) => s.id === id)?.name ?? id;
  return (
    <section aria-labelledby="console-agents">
      <h3 id="console-agents">Agents</h3>
      <table className="console-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Role</th>
            <th>Status</th>
            <th>Skills</th>
            <th>Max.</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} className={u.active ? undefined : 'inactive'}>
              <td>
                {u.displayName} <span className="muted">({u.username})</span>
              </td>
              <td>{u.role}</td>
              <td>
                {u.active ? (
                  <select
                    aria-label={`Status of ${u.displayName}`}
                    value={u.status}
                    onChange={(e) =>
                      void act(
                        () => api.put(`/api/v1/users/${seg(u.id)}/status`, { status: e.target.value, handover: true }),
                        `${u.displayName}: ${e.target.value}`,
                      )
                    }
                  >
                    <option value="online">Online</option>
                    <option value="back_soon">Back soon</option>
                    <option value="away">Away</option>
                    <option value="offline">Offline</option>
                  </select>
                ) : (
                  'deactivated'
                )}
              </td>
              <td>{u.skills.map(skillName).join(', ') || '—'}</td>
              <td>{u.maxConcurrent}</td>
              <td>
                <button type="button" className="button" onClick={() => setEditing(editing === u.id ? null : u.id)}>
                  Edit
                </button>{' '}
                {u.active ? (
                  <button
                    type="button"
                    className="button"
                    onClick={() => {
                      if (confirm(`Deactivate ${u.displayName}? Their sessions end at once.`))
                        void act(() => api.patch(`/api/v1/users/${seg(u.id)}`, { active: false }), `${u.displayName} deactivated`);
                    }}
                  >
                    Deactivate
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing ? (
        <AgentForm
          key={editing}
          user={users.find((u) => u.id === editing)}
          skills={skills}
          onDone={() => {
            setEditing(null);
            reload();
          }}
        />
      ) : null}
      <h4>New agent</h4>
      <AgentForm skills={skills} onDone={reload} />
    </section>
  );
}

// ---------------------------------------------------------------- channels

interface ChannelRow {
  id: string;
  type: 'sms' | 'messenger' | 'webhook';
  name: string;
  skillId: string | null;
  inboundUrl: string;
  secret?: string;
}

export function ChannelsScreen() {
  const [channels, reload] = useList<ChannelRow>('/api/v1/channels');
  const [skills] = useList<SkillRow>('/api/v1/skills');
  const [type, setType] = useState<ChannelRow['type']>('webhook');
  const [name, setName] = useState('');
  const [skillId, setSkillId] = useState('');
  const [outboundUrl, setOutboundUrl] = useState('');
  const [shown, setShown] = useState<ChannelRow | null>(null);
  const [errors, busy, run] = useSubmit();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const body: Record<string, unknown> = { type, name, skillId };
    if (outboundUrl.trim()) body.outboundUrl = outboundUrl.trim();
    await run(async () => {
      setShown(await api.post<ChannelRow>('/api/v1/channels', body));
      setName('');
      reload();
    }, 'Channel created');
  }
  async function rotate(c: ChannelRow) {
    if (!confirm(`Rotate the secret of ${c.name}? The old one stops working.`)) return;
    try {
      setShown(await api.post<ChannelRow>(`/api/v1/channels/${seg(c.id)}/rotate-secret`, {}));
    } catch (e) {
      toast((e as Error).message, 'error');
    }
  }
  return (
    <section aria-labelledby="console-channels">
      <h3 id="console-channels">Channels</h3>
      {shown?.secret ? (
        <div className="secret-once" role="status">
          <p>
            <strong>{shown.name}</strong>: copy the secret now, it is shown only once.
          </p>
          <dl className="kv">
            <dt>Inbound URL</dt>
            <dd>
              <code>{shown.inboundUrl}</code>
            </dd>
            <dt>Secret</dt>
            <dd>
              <code data-testid="channel-secret">{shown.secret}</code>
            </dd>
          </dl>
          <button type="button" className="button" onClick={() => setShown(null)}>
            Done
          </button>
        </div>
      ) : null}
      <table className="console-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Type</th>
            <th>Skill</th>
            <th>Inbound URL</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {channels.map((c) => (
            <tr key={c.id}>
              <td>{c.name}</td>
              <td>{c.type}</td>
              <td>{skills.find((s) => s.id === c.skillId)?.name ?? '—'}</td>
              <td>
                <code>{c.inboundUrl}</code>
              </td>
              <td>
                <button type="button" className="button" onClick={() => void rotate(c)}>
                  Rotate secret
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="console-form" onSubmit={submit} aria-label="New channel" noValidate>
        <Field label="Type" path="type" errors={errors}>
          <select value={type} onChange={(e) => setType(e.target.value as ChannelRow['type'])}>
            <option value="webhook">Webhook</option>
            <option value="sms">SMS</option>
            <option value="messenger">Messenger</option>
          </select>
        </Field>
        <Field label="Channel name" path="name" errors={errors}>
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Skill" path="skillId" errors={errors}>
          <select value={skillId} onChange={(e) => setSkillId(e.target.value)}>
            <option value="">Choose…</option>
            {skills.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Outbound URL (webhook)" path="outboundUrl" errors={errors}>
          <input value={outboundUrl} onChange={(e) => setOutboundUrl(e.target.value)} placeholder="https://…" />
        </Field>
        <FormError errors={errors} />
        <button type="submit" className="button primary" disabled={busy}>
          Create channel
        </button>
      </form>
    </section>
  );
}
