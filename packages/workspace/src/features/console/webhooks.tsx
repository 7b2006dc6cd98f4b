import { WEBHOOK_EVENTS, type Webhook, type WebhookDelivery, type WebhookEventType, type WebhookWithSecret } from '@parley/contract';
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { toast } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { utc } from './format.js';
import { Field, FieldError, FormSubmit, useSubmit } from './forms.js';
import { useList } from './list.js';
import { SecretOnce } from './secret-once.js';
import { ConsoleTable } from './table.js';

/** Create (no `webhook`) or edit one: the URL, the events it receives, whether it is active. */
function WebhookForm({ webhook, onSaved, onCancel }: { webhook?: Webhook; onSaved: (w: Webhook | WebhookWithSecret) => void; onCancel?: () => void }) {
  const [url, setUrl] = useState(webhook?.url ?? '');
  const [events, setEvents] = useState<WebhookEventType[]>(webhook?.events ?? []);
  const [active, setActive] = useState(webhook?.active ?? true);
  const t = useT();
  const [errors, busy, run] = useSubmit();
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (webhook) first.current?.focus();
  }, [webhook]);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = { url: url.trim(), events, active };
    await run(
      async () => {
        const saved = webhook
          ? await api.call('PATCH /api/v1/webhooks/{id}', { params: { id: webhook.id }, body })
          : await api.call('POST /api/v1/webhooks', { body });
        if (!webhook) {
          setUrl('');
          setEvents([]);
          setActive(true);
        }
        onSaved(saved);
      },
      webhook ? t('console.webhooks.saved') : t('console.webhooks.created'),
    );
  }
  return (
    <form
      className="console-form wide"
      onSubmit={submit}
      aria-label={webhook ? t('console.webhooks.editLabel', { url: webhook.url }) : t('console.webhooks.new')}
      noValidate
    >
      {webhook ? <h4>{t('console.webhooks.editHeading', { url: webhook.url })}</h4> : null}
      <Field label={t('console.webhooks.url')} path="url" errors={errors}>
        <input
          ref={first}
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          inputMode="url"
          autoComplete="off"
          placeholder={t('console.webhooks.urlPlaceholder')}
        />
      </Field>
      <fieldset className="field">
        <legend>{t('console.webhooks.events')}</legend>
        {WEBHOOK_EVENTS.map((ev) => (
          <label key={ev} className="check">
            <input
              type="checkbox"
              checked={events.includes(ev)}
              onChange={(e) => setEvents((c) => (e.target.checked ? [...c, ev] : c.filter((x) => x !== ev)))}
            />{' '}
            <code>{ev}</code>
          </label>
        ))}
        <FieldError errors={errors} path="events" />
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} /> {t('console.webhooks.active')}
      </label>
      <FormSubmit errors={errors} busy={busy} onCancel={onCancel}>
        {webhook ? t('console.webhooks.save') : t('console.webhooks.create')}
      </FormSubmit>
    </form>
  );
}

/** A page of the delivery log, newest first, with Load more, Refresh and a Redeliver button per row. */
function Deliveries({ webhook, onClose }: { webhook: Webhook; onClose: () => void }) {
  const [rows, setRows] = useState<WebhookDelivery[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const t = useT();
  const heading = useRef<HTMLHeadingElement>(null);
  const load = useCallback(
    async (cursor?: string) => {
      setLoading(true);
      try {
        const page = await api.call('GET /api/v1/webhooks/{id}/deliveries', { params: { id: webhook.id }, query: { limit: 50, ...(cursor && { cursor }) } });
        setRows((r) => (cursor ? [...r, ...page.items] : page.items));
        setNext(page.nextCursor);
      } catch (e) {
        toast((e as Error).message, 'error');
      } finally {
        setLoading(false);
      }
    },
    [webhook.id],
  );
  useEffect(() => {
    void load();
    heading.current?.focus();
  }, [load]);
  const col = {
    status: t('console.webhooks.log.col.status'),
    attempts: t('console.webhooks.log.col.attempts'),
    lastResponse: t('console.webhooks.log.col.lastResponse'),
    lastAttempt: t('console.webhooks.log.col.lastAttempt'),
    created: t('console.webhooks.log.col.created'),
  };
  async function redeliver(d: WebhookDelivery) {
    try {
      const again = await api.call('POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver', { params: { id: webhook.id, deliveryId: d.id } });
      setRows((r) => r.map((x) => (x.id === d.id ? again : x)));
      toast(t('console.webhooks.log.requeued', { type: d.type }));
    } catch (e) {
      toast((e as Error).message, 'error');
    }
  }
  return (
    <section className="deliveries" aria-labelledby="webhook-deliveries">
      <h4 id="webhook-deliveries" ref={heading} tabIndex={-1}>
        {t('console.webhooks.log.heading', { url: webhook.url })}
      </h4>
      <div className="form-actions">
        <button type="button" className="button" onClick={() => void load()} disabled={loading}>
          {t('console.webhooks.log.refresh')}
        </button>
        <button type="button" className="button" onClick={onClose}>
          {t('console.webhooks.log.close')}
        </button>
      </div>
      <ConsoleTable
        label={t('console.webhooks.log.table')}
        columns={[t('console.webhooks.log.col.event'), col.status, col.attempts, col.lastResponse, col.lastAttempt, col.created]}
        actions
      >
        {rows.map((d) => (
          <tr key={d.id}>
            <td>
              <code>{d.type}</code>
            </td>
            <td data-label={col.status}>
              <span className={`delivery-status ${d.status}`}>{t(`console.webhooks.log.status.${d.status}`)}</span>
            </td>
            <td data-label={col.attempts}>{d.attempts}</td>
            <td data-label={col.lastResponse}>{d.lastResponseCode ?? (d.lastError ? <span title={d.lastError}>{d.lastError}</span> : '—')}</td>
            <td data-label={col.lastAttempt}>{d.lastAttemptAt ? <time dateTime={d.lastAttemptAt}>{utc(d.lastAttemptAt)}</time> : '—'}</td>
            <td data-label={col.created}>
              <time dateTime={d.createdAt}>{utc(d.createdAt)}</time>
            </td>
            <td className="actions">
              <button
                type="button"
                className="button"
                onClick={() => void redeliver(d)}
                aria-label={t('console.webhooks.log.redeliverLabel', { type: d.type, at: utc(d.createdAt) })}
              >
                {t('console.webhooks.log.redeliver')}
              </button>
            </td>
          </tr>
        ))}
      </ConsoleTable>
      {!loading && rows.length === 0 ? <p className="muted">{t('console.webhooks.log.none')}</p> : null}
      {next ? (
        <button type="button" className="button" onClick={() => void load(next)} disabled={loading}>
          {t('console.webhooks.log.more')}
        </button>
      ) : null}
    </section>
  );
}

const stateKey = (w: Webhook) => (w.active ? 'active' : w.disabledReason === 'failing' ? 'failing' : 'inactive');

/**
 * Outbound webhooks (docs/automation.md): create one (the signing secret is shown once), edit its
 * URL, events and whether it is active, rotate its secret (the old one signs beside the new one for
 * 24 hours), delete it, and read its delivery log with a Redeliver button per delivery.
 */
export function WebhooksScreen() {
  const t = useT();
  const [hooks, reload] = useList('GET /api/v1/webhooks');
  const [editing, setEditing] = useState<string | null>(null);
  const [log, setLog] = useState<string | null>(null);
  const [secret, setSecret] = useState<WebhookWithSecret | null>(null);
  const edited = hooks.find((w) => w.id === editing);
  const cols = { events: t('console.webhooks.col.events'), state: t('console.webhooks.col.state'), created: t('console.webhooks.col.created') };
  const logged = hooks.find((w) => w.id === log);
  async function rotate(w: Webhook) {
    if (!confirm(t('console.webhooks.confirmRotate', { url: w.url }))) return;
    try {
      setSecret(await api.call('POST /api/v1/webhooks/{id}/rotate-secret', { params: { id: w.id }, body: { graceSec: 24 * 3600 } }));
      reload();
    } catch (e) {
      toast((e as Error).message, 'error');
    }
  }
  async function remove(w: Webhook) {
    if (!confirm(t('console.webhooks.confirmDelete', { url: w.url }))) return;
    try {
      await api.call('DELETE /api/v1/webhooks/{id}', { params: { id: w.id } });
      toast(t('console.webhooks.deleted'));
      if (log === w.id) setLog(null);
      if (editing === w.id) setEditing(null);
      reload();
    } catch (e) {
      toast((e as Error).message, 'error');
    }
  }
  return (
    <section aria-labelledby="console-webhooks">
      <h3 id="console-webhooks">{t('console.webhooks.title')}</h3>
      <p className="muted">{t('console.webhooks.intro')}</p>
      {secret ? (
        <SecretOnce
          title={secret.url}
          notice={t('console.webhooks.once')}
          copyLabel={t('console.webhooks.copy')}
          copied={t('console.webhooks.copied')}
          value={secret.secret}
          testId="webhook-secret-once"
          onDone={() => setSecret(null)}
        />
      ) : null}
      <ConsoleTable label={t('console.webhooks.title')} columns={[t('console.webhooks.col.url'), cols.events, cols.state, cols.created]} actions>
        {hooks.map((w) => (
          <tr key={w.id}>
            <td>
              <code>{w.url}</code>
            </td>
            <td data-label={cols.events}>{w.events.join(', ')}</td>
            <td data-label={cols.state}>
              {t(`console.webhooks.state.${stateKey(w)}`)}
              {w.previousSecretUntil ? (
                <span className="muted">
                  {' · '}
                  {t('console.webhooks.state.oldSecret', { at: utc(w.previousSecretUntil) })}
                </span>
              ) : null}
            </td>
            <td data-label={cols.created}>
              <time dateTime={w.createdAt}>{utc(w.createdAt)}</time>
            </td>
            <td className="actions">
              <button
                type="button"
                className="button"
                aria-expanded={editing === w.id}
                onClick={() => setEditing(editing === w.id ? null : w.id)}
                aria-label={t('console.webhooks.editHeading', { url: w.url })}
              >
                {t('console.webhooks.edit')}
              </button>{' '}
              <button
                type="button"
                className="button"
                aria-expanded={log === w.id}
                onClick={() => setLog(log === w.id ? null : w.id)}
                aria-label={t('console.webhooks.log.heading', { url: w.url })}
              >
                {t('console.webhooks.deliveries')}
              </button>{' '}
              <button type="button" className="button" onClick={() => void rotate(w)} aria-label={t('console.webhooks.rotateLabel', { url: w.url })}>
                {t('console.webhooks.rotate')}
              </button>{' '}
              <button type="button" className="button danger" onClick={() => void remove(w)} aria-label={t('console.webhooks.deleteLabel', { url: w.url })}>
                {t('console.webhooks.delete')}
              </button>
            </td>
          </tr>
        ))}
      </ConsoleTable>
      {hooks.length === 0 ? <p className="muted">{t('console.webhooks.none')}</p> : null}
      {logged ? <Deliveries key={logged.id} webhook={logged} onClose={() => setLog(null)} /> : null}
      {/* One form: the webhook being edited, else a new one (its fields start afresh for each). */}
      {edited ? null : <h4>{t('console.webhooks.new')}</h4>}
      <WebhookForm
        key={edited?.id ?? 'new'}
        webhook={edited}
        onSaved={(w) => {
          if ('secret' in w) setSecret(w);
          setEditing(null);
          reload();
        }}
        onCancel={edited ? () => setEditing(null) : undefined}
      />
    </section>
  );
}
