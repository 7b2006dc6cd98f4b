import { type FormEvent, useState } from 'react';
import { toast } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
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
  const t = useT();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const body: Record<string, unknown> = { displayName, role, skills: chosen, maxConcurrent: num(maxConcurrent) };
    if (!user) Object.assign(body, { username, password });
    else if (password) body.password = password;
    const ok = await run(
      () =>
        user ? api.call('PATCH /api/v1/users/{id}', { params: { id: user.id }, body: typed(body) }) : api.call('POST /api/v1/users', { body: typed(body) }),
      user ? t('console.agents.saved') : t('console.agents.created'),
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
    <form
      className="console-form"
      onSubmit={submit}
      aria-label={user ? t('console.agents.editForm', { name: user.displayName }) : t('console.agents.new')}
      noValidate
    >
      {user ? null : (
        <Field label={t('console.agents.username')} path="username" errors={errors}>
          <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
        </Field>
      )}
      <Field label={t('console.agents.displayName')} path="displayName" errors={errors}>
        <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
      </Field>
      <Field label={user ? t('console.agents.newPassword') : t('console.agents.password')} path="password" errors={errors}>
        <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
      </Field>
      <Field label={t('console.agents.role')} path="role" errors={errors}>
        <select value={role} onChange={(e) => setRole(e.target.value as User['role'])}>
          <option value="agent">{t('role.agent')}</option>
          <option value="manager">{t('role.manager')}</option>
        </select>
      </Field>
      <Field label={t('console.agents.maxConcurrent')} path="maxConcurrent" errors={errors}>
        <input inputMode="numeric" value={maxConcurrent} onChange={(e) => setMax(e.target.value)} />
      </Field>
      <fieldset className="field">
        <legend>{t('console.agents.skills')}</legend>
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
        {user ? t('console.agents.save') : t('console.agents.create')}
      </FormSubmit>
    </form>
  );
}

export function AgentsScreen() {
  const [users, reload] = useList('GET /api/v1/users');
  const [skills] = useList('GET /api/v1/skills');
  const [editing, setEditing] = useState<string | null>(null);
  const t = useT();
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
      <h3 id="console-agents">{t('console.agents.title')}</h3>
      <ConsoleTable
        label={t('console.agents.title')}
        columns={[
          t('console.agents.col.name'),
          t('console.agents.col.role'),
          t('console.agents.col.status'),
          t('console.agents.col.skills'),
          t('console.agents.col.max'),
        ]}
        actions
      >
        {users.map((u) => (
          <tr key={u.id} className={u.active ? undefined : 'inactive'}>
            <td>
              {u.displayName} <span className="muted">({u.username})</span>
            </td>
            <td data-label={t('console.agents.col.role')}>{t(`console.agents.roleValue.${u.role}`)}</td>
            <td data-label={t('console.agents.col.status')}>
              {u.active ? (
                <select
                  aria-label={t('console.agents.statusOf', { name: u.displayName })}
                  value={u.status}
                  onChange={(e) =>
                    void act(
                      () =>
                        api.call('PUT /api/v1/users/{id}/status', { params: { id: u.id }, body: { status: e.target.value as User['status'], handover: true } }),
                      t('console.agents.statusChanged', { name: u.displayName, status: t(`status.${e.target.value as User['status']}`) }),
                    )
                  }
                >
                  <option value="online">{t('status.online')}</option>
                  <option value="back_soon">{t('status.back_soon')}</option>
                  <option value="away">{t('status.away')}</option>
                  <option value="offline">{t('status.offline')}</option>
                </select>
              ) : (
                t('console.agents.deactivatedState')
              )}
            </td>
            <td data-label={t('console.agents.col.skills')}>{u.skills.map(skillName).join(', ') || '—'}</td>
            <td data-label={t('console.agents.col.max')}>{u.maxConcurrent}</td>
            <td className="actions">
              <button type="button" className="button" onClick={() => setEditing(editing === u.id ? null : u.id)}>
                {t('console.agents.edit')}
              </button>{' '}
              {u.active ? (
                <button
                  type="button"
                  className="button"
                  onClick={() => {
                    if (confirm(t('console.agents.confirmDeactivate', { name: u.displayName })))
                      void act(
                        () => api.call('PATCH /api/v1/users/{id}', { params: { id: u.id }, body: { active: false } }),
                        t('console.agents.deactivated', { name: u.displayName }),
                      );
                  }}
                >
                  {t('console.agents.deactivate')}
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
        newTitle={t('console.agents.new')}
        form={(user, onDone) => <AgentForm user={user} skills={skills} onDone={onDone} />}
      />
    </section>
  );
}
