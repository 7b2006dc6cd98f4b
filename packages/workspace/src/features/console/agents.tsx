import { type FormEvent, useState } from 'react';
import { toast } from '../../app/store.js';
import { api } from '../../lib/api.js';
import type { User } from '../../lib/types.js';
import { Field, FieldError, FormSubmit, num, typed, useSubmit } from './forms.js';
import { EditAndNew, type SkillRow, useList } from './list.js';
import { ConsoleTable } from './table.js';

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
      () =>
        user ? api.call('PATCH /api/v1/users/{id}', { params: { id: user.id }, body: typed(body) }) : api.call('POST /api/v1/users', { body: typed(body) }),
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
      <FormSubmit errors={errors} busy={busy}>
        {user ? 'Save agent' : 'Create agent'}
      </FormSubmit>
    </form>
  );
}

export function AgentsScreen() {
  const [users, reload] = useList('GET /api/v1/users');
  const [skills] = useList('GET /api/v1/skills');
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
      <ConsoleTable label="Agents" columns={['Name', 'Role', 'Status', 'Skills', 'Max.']} actions>
        {users.map((u) => (
          <tr key={u.id} className={u.active ? undefined : 'inactive'}>
            <td>
              {u.displayName} <span className="muted">({u.username})</span>
            </td>
            <td data-label="Role">{u.role}</td>
            <td data-label="Status">
              {u.active ? (
                <select
                  aria-label={`Status of ${u.displayName}`}
                  value={u.status}
                  onChange={(e) =>
                    void act(
                      () =>
                        api.call('PUT /api/v1/users/{id}/status', { params: { id: u.id }, body: { status: e.target.value as User['status'], handover: true } }),
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
            <td data-label="Skills">{u.skills.map(skillName).join(', ') || '—'}</td>
            <td data-label="Max.">{u.maxConcurrent}</td>
            <td className="actions">
              <button type="button" className="button" onClick={() => setEditing(editing === u.id ? null : u.id)}>
                Edit
              </button>{' '}
              {u.active ? (
                <button
                  type="button"
                  className="button"
                  onClick={() => {
                    if (confirm(`Deactivate ${u.displayName}? Their sessions end at once.`))
                      void act(() => api.call('PATCH /api/v1/users/{id}', { params: { id: u.id }, body: { active: false } }), `${u.displayName} deactivated`);
                  }}
                >
                  Deactivate
                </button>
              ) : null}
            </td>
          </tr>
        ))}
      </ConsoleTable>
      <EditAndNew
        rows={users}
        editing={editing}
        setEditing={setEditing}
        reload={reload}
        newTitle="New agent"
        form={(user, onDone) => <AgentForm user={user} skills={skills} onDone={onDone} />}
      />
    </section>
  );
}
