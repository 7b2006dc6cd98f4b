import { API_KEY_SCOPES, type ApiKey, type ApiKeyScope, type CreatedApiKey } from '@parley/contract';
import { type FormEvent, useState } from 'react';
import { toast } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { utc } from './format.js';
import { Field, FieldError, FormSubmit, useSubmit } from './forms.js';
import { useList } from './list.js';
import { SecretOnce } from './secret-once.js';
import { ConsoleTable } from './table.js';

function NewKeyForm({ onCreated }: { onCreated: (k: CreatedApiKey) => void }) {
  const t = useT();
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
    }, t('console.apiKeys.created'));
  }
  return (
    <form className="console-form" onSubmit={submit} aria-label={t('console.apiKeys.new')} noValidate>
      <Field label={t('console.apiKeys.name')} path="name" errors={errors}>
        <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" placeholder={t('console.apiKeys.namePlaceholder')} />
      </Field>
      <fieldset className="field">
        <legend>{t('console.apiKeys.scopes')}</legend>
        {API_KEY_SCOPES.map((s) => (
          <label key={s} className="check">
            <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes((c) => (e.target.checked ? [...c, s] : c.filter((x) => x !== s)))} />{' '}
            <code>{s}</code> <span className="muted">— {t(`console.apiKeys.scope.${s}`)}</span>
          </label>
        ))}
        <FieldError errors={errors} path="scopes" />
      </fieldset>
      <FormSubmit errors={errors} busy={busy}>
        {t('console.apiKeys.create')}
      </FormSubmit>
    </form>
  );
}

/**
 * API keys for systems (docs/automation.md): create one with a name and scopes — the key is shown
 * once, with a Copy button — list them (name, scopes, the key's first characters, when it was
 * made, whether it is revoked), revoke one (it stops at once).
 */
export function ApiKeysScreen() {
  const t = useT();
  const [keys, reload] = useList('GET /api/v1/api-keys');
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  async function revoke(k: ApiKey) {
    if (!confirm(t('console.apiKeys.confirmRevoke', { name: k.name }))) return;
    try {
      await api.call('DELETE /api/v1/api-keys/{id}', { params: { id: k.id } });
      toast(t('console.apiKeys.revokedToast', { name: k.name }));
      reload();
    } catch (e) {
      toast((e as Error).message, 'error');
    }
  }
  const col = {
    scopes: t('console.apiKeys.col.scopes'),
    key: t('console.apiKeys.col.key'),
    created: t('console.apiKeys.col.created'),
    status: t('console.apiKeys.col.status'),
  };
  return (
    <section aria-labelledby="console-api-keys">
      <h3 id="console-api-keys">{t('console.apiKeys.title')}</h3>
      <p className="muted">{t('console.apiKeys.intro', { header: 'Authorization: Bearer <key>' })}</p>
      {created ? (
        <SecretOnce
          title={created.name}
          notice={t('console.apiKeys.once')}
          copyLabel={t('console.apiKeys.copy')}
          copied={t('console.apiKeys.copied')}
          value={created.key}
          testId="api-key-once"
          onDone={() => setCreated(null)}
        />
      ) : null}
      <ConsoleTable label={t('console.apiKeys.title')} columns={[t('console.apiKeys.col.name'), col.scopes, col.key, col.created, col.status]} actions>
        {keys.map((k) => (
          <tr key={k.id}>
            <td>{k.name}</td>
            <td data-label={col.scopes}>{k.scopes.join(', ')}</td>
            <td data-label={col.key}>
              <code>{k.prefix}…</code>
            </td>
            <td data-label={col.created}>
              <time dateTime={k.createdAt}>{utc(k.createdAt)}</time>
            </td>
            <td data-label={col.status}>{k.revokedAt ? t('console.apiKeys.revokedAt', { at: utc(k.revokedAt) }) : t('console.apiKeys.active')}</td>
            <td className="actions">
              {k.revokedAt ? null : (
                <button type="button" className="button danger" onClick={() => void revoke(k)} aria-label={t('console.apiKeys.revokeLabel', { name: k.name })}>
                  {t('console.apiKeys.revoke')}
                </button>
              )}
            </td>
          </tr>
        ))}
      </ConsoleTable>
      {keys.length === 0 ? <p className="muted">{t('console.apiKeys.none')}</p> : null}
      <h4>{t('console.apiKeys.new')}</h4>
      <NewKeyForm
        onCreated={(k) => {
          setCreated(k);
          reload();
        }}
      />
    </section>
  );
}
