import { API_KEY_SCOPES, type ApiKey, type ApiKeyScope, type CreatedApiKey } from '@parley/contract';
import { type FormEvent, useState } from 'react';
import { toast } from '../../app/store.js';
import { api } from '../../lib/api.js';
import { utc } from './format.js';
import { Field, FieldError, FormSubmit, useSubmit } from './forms.js';
import { useList } from './list.js';
import { SecretOnce } from './secret-once.js';
import { ConsoleTable } from './table.js';

/** What each scope lets a key do (API.md "Automation and integration"). */
export const SCOPE_HINTS: Record<ApiKeyScope, string> = {
  'conversations:read': 'read conversations, transcripts and suggestions',
  'conversations:write': 'send messages, close, transfer',
  'reports:read': 'the live and daily reports, the conversations CSV',
  'users:manage': 'list, create and edit users, set their status',
  'webhooks:manage': 'webhooks and their delivery log',
  bots: 'for bots (answer and hand over their conversations)',
};

function NewKeyForm({ onCreated }: { onCreated: (k: CreatedApiKey) => void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>([]);
  const [errors, busy, run] = useSubmit();
  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      const created = await api.call('POST /api/v1/api-keys', { body: { name, scopes } });
      setName('');
      setScopes([]);
      onCreated(created);
    }, 'API key created');
  }
  return (
    <form className="console-form" onSubmit={submit} aria-label="New API key" noValidate>
      <Field label="Key name" path="name" errors={errors}>
        <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" placeholder="CRM sync" />
      </Field>
      <fieldset className="field">
        <legend>Scopes</legend>
        {API_KEY_SCOPES.map((s) => (
          <label key={s} className="check">
            <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes((c) => (e.target.checked ? [...c, s] : c.filter((x) => x !== s)))} />{' '}
            <code>{s}</code> <span className="muted">— {SCOPE_HINTS[s]}</span>
          </label>
        ))}
        <FieldError errors={errors} path="scopes" />
      </fieldset>
      <FormSubmit errors={errors} busy={busy}>
        Create key
      </FormSubmit>
    </form>
  );
}

/**
 * API keys for systems (docs/automation.md): create one with a name and scopes — the key is shown
 * once, with a Copy button — list them (name, scopes, the key's first characters, who made it,
 * when), revoke one (it stops at once).
 */
export function ApiKeysScreen() {
  const [keys, reload] = useList('GET /api/v1/api-keys');
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  async function revoke(k: ApiKey) {
    if (!confirm(`Revoke the API key ${k.name}? Systems using it are refused at once.`)) return;
    try {
      await api.call('DELETE /api/v1/api-keys/{id}', { params: { id: k.id } });
      toast(`${k.name} revoked`);
      reload();
    } catch (e) {
      toast((e as Error).message, 'error');
    }
  }
  return (
    <section aria-labelledby="console-api-keys">
      <h3 id="console-api-keys">API keys</h3>
      <p className="muted">
        A key lets a system call the API as <code>Authorization: Bearer &lt;key&gt;</code>, limited to its scopes, on behalf of the manager who made it. Only
        its hash is stored.
      </p>
      {created ? <SecretOnce title={created.name} what="key" value={created.key} testId="api-key-once" onDone={() => setCreated(null)} /> : null}
      <ConsoleTable label="API keys" columns={['Name', 'Scopes', 'Key', 'Created (UTC)', 'Status']} actions>
        {keys.map((k) => (
          <tr key={k.id}>
            <td>{k.name}</td>
            <td data-label="Scopes">{k.scopes.join(', ')}</td>
            <td data-label="Key">
              <code>{k.prefix}…</code>
            </td>
            <td data-label="Created (UTC)">
              <time dateTime={k.createdAt}>{utc(k.createdAt)}</time>
            </td>
            <td data-label="Status">{k.revokedAt ? `Revoked ${utc(k.revokedAt)}` : 'Active'}</td>
            <td className="actions">
              {k.revokedAt ? null : (
                <button type="button" className="button danger" onClick={() => void revoke(k)} aria-label={`Revoke ${k.name}`}>
                  Revoke
                </button>
              )}
            </td>
          </tr>
        ))}
      </ConsoleTable>
      {keys.length === 0 ? <p className="muted">No API key yet.</p> : null}
      <h4>New API key</h4>
      <NewKeyForm
        onCreated={(k) => {
          setCreated(k);
          reload();
        }}
      />
    </section>
  );
}
