import { WEBHOOK_EVENTS, type Webhook, type WebhookDelivery, type WebhookEventType, type WebhookWithSecret } from '@parley/contract';
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { toast } from '../../app/store.js';
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
      webhook ? 'Webhook saved' : 'Webhook created',
    );
  }
  return (
    <form className="console-form wide" onSubmit={submit} aria-label={webhook ? `Edit webhook ${webhook.url}` : 'New webhook'} noValidate>
      {webhook ? <h4>Edit {webhook.url}</h4> : null}
      <Field label="Endpoint URL" path="url" errors={errors}>
        <input
          ref={first}
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          inputMode="url"
          autoComplete="off"
          placeholder="https://crm.example.com/parley"
        />
      </Field>
      <fieldset className="field">
        <legend>Events</legend>
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
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} /> Active (deliveries are sent)
      </label>
      <FormSubmit errors={errors} busy={busy} onCancel={onCancel}>
        {webhook ? 'Save webhook' : 'Create webhook'}
      </FormSubmit>
    </form>
  );
}

const STATUS: Record<WebhookDelivery['status'], string> = { pending: 'Pending', delivered: 'Delivered', failed: 'Failed' };

/** A page of the delivery log, newest first, with Load more, Refresh and a Redeliver button per row. */
function Deliveries({ webhook, onClose }: { webhook: Webhook; onClose: () => void }) {
  const [rows, setRows] = useState<WebhookDelivery[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
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
  async function redeliver(d: WebhookDelivery) {
    try {
      const again = await api.call('POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver', { params: { id: webhook.id, deliveryId: d.id } });
      setRows((r) => r.map((x) => (x.id === d.id ? again : x)));
      toast(`${d.type} queued again (same webhook-id)`);
    } catch (e) {
      toast((e as Error).message, 'error');
    }
  }
  return (
    <section className="deliveries" aria-labelledby="webhook-deliveries">
      <h4 id="webhook-deliveries" ref={heading} tabIndex={-1}>
        Delivery log of {webhook.url}
      </h4>
      <div className="form-actions">
        <button type="button" className="button" onClick={() => void load()} disabled={loading}>
          Refresh
        </button>
        <button type="button" className="button" onClick={onClose}>
          Close the log
        </button>
      </div>
      <ConsoleTable label="Deliveries" columns={['Event', 'Status', 'Attempts', 'Last response', 'Last attempt (UTC)', 'Created (UTC)']} actions>
        {rows.map((d) => (
          <tr key={d.id}>
            <td>
              <code>{d.type}</code>
            </td>
            <td data-label="Status">
              <span className={`delivery-status ${d.status}`}>{STATUS[d.status]}</span>
            </td>
            <td data-label="Attempts">{d.attempts}</td>
            <td data-label="Last response">{d.lastResponseCode ?? (d.lastError ? <span title={d.lastError}>{d.lastError}</span> : '—')}</td>
            <td data-label="Last attempt (UTC)">{d.lastAttemptAt ? <time dateTime={d.lastAttemptAt}>{utc(d.lastAttemptAt)}</time> : '—'}</td>
            <td data-label="Created (UTC)">
              <time dateTime={d.createdAt}>{utc(d.createdAt)}</time>
            </td>
            <td className="actions">
              <button type="button" className="button" onClick={() => void redeliver(d)} aria-label={`Redeliver ${d.type} of ${utc(d.createdAt)}`}>
                Redeliver
              </button>
            </td>
          </tr>
        ))}
      </ConsoleTable>
      {!loading && rows.length === 0 ? <p className="muted">No delivery yet.</p> : null}
      {next ? (
        <button type="button" className="button" onClick={() => void load(next)} disabled={loading}>
          Load more
        </button>
      ) : null}
    </section>
  );
}

const stateOf = (w: Webhook) => (w.active ? 'Active' : w.disabledReason === 'failing' ? 'Turned off: 3 days of failures' : 'Inactive');

/**
 * Outbound webhooks (docs/automation.md): create one (the signing secret is shown once), edit its
 * URL, events and whether it is active, rotate its secret (the old one signs beside the new one for
 * 24 hours), delete it, and read its delivery log with a Redeliver button per delivery.
 */
export function WebhooksScreen() {
  const [hooks, reload] = useList('GET /api/v1/webhooks');
  const [editing, setEditing] = useState<string | null>(null);
  const [log, setLog] = useState<string | null>(null);
  const [secret, setSecret] = useState<WebhookWithSecret | null>(null);
  const edited = hooks.find((w) => w.id === editing);
  const logged = hooks.find((w) => w.id === log);
  async function rotate(w: Webhook) {
    if (!confirm(`Rotate the signing secret of ${w.url}? The old secret keeps signing beside the new one for 24 hours.`)) return;
    try {
      setSecret(await api.call('POST /api/v1/webhooks/{id}/rotate-secret', { params: { id: w.id }, body: { graceSec: 24 * 3600 } }));
      reload();
    } catch (e) {
      toast((e as Error).message, 'error');
    }
  }
  async function remove(w: Webhook) {
    if (!confirm(`Delete the webhook ${w.url}? Nothing more is sent to it.`)) return;
    try {
      await api.call('DELETE /api/v1/webhooks/{id}', { params: { id: w.id } });
      toast('Webhook deleted');
      if (log === w.id) setLog(null);
      if (editing === w.id) setEditing(null);
      reload();
    } catch (e) {
      toast((e as Error).message, 'error');
    }
  }
  return (
    <section aria-labelledby="console-webhooks">
      <h3 id="console-webhooks">Webhooks</h3>
      <p className="muted">
        Events are posted to each URL following Standard Webhooks (headers <code>webhook-id</code>, <code>webhook-timestamp</code>,{' '}
        <code>webhook-signature</code>), at least once, in order per conversation, retried for up to 24 hours.
      </p>
      {secret ? (
        <SecretOnce title={secret.url} what="signing secret" value={secret.secret} testId="webhook-secret-once" onDone={() => setSecret(null)} />
      ) : null}
      <ConsoleTable label="Webhooks" columns={['URL', 'Events', 'State', 'Created (UTC)']} actions>
        {hooks.map((w) => (
          <tr key={w.id}>
            <td>
              <code>{w.url}</code>
            </td>
            <td data-label="Events">{w.events.join(', ')}</td>
            <td data-label="State">
              {stateOf(w)}
              {w.previousSecretUntil ? <span className="muted"> · old secret until {utc(w.previousSecretUntil)}</span> : null}
            </td>
            <td data-label="Created (UTC)">
              <time dateTime={w.createdAt}>{utc(w.createdAt)}</time>
            </td>
            <td className="actions">
              <button
                type="button"
                className="button"
                aria-expanded={editing === w.id}
                onClick={() => setEditing(editing === w.id ? null : w.id)}
                aria-label={`Edit ${w.url}`}
              >
                Edit
              </button>{' '}
              <button
                type="button"
                className="button"
                aria-expanded={log === w.id}
                onClick={() => setLog(log === w.id ? null : w.id)}
                aria-label={`Delivery log of ${w.url}`}
              >
                Deliveries
              </button>{' '}
              <button type="button" className="button" onClick={() => void rotate(w)} aria-label={`Rotate the secret of ${w.url}`}>
                Rotate secret
              </button>{' '}
              <button type="button" className="button danger" onClick={() => void remove(w)} aria-label={`Delete ${w.url}`}>
                Delete
              </button>
            </td>
          </tr>
        ))}
      </ConsoleTable>
      {hooks.length === 0 ? <p className="muted">No webhook yet.</p> : null}
      {logged ? <Deliveries key={logged.id} webhook={logged} onClose={() => setLog(null)} /> : null}
      {/* One form: the webhook being edited, else a new one (its fields start afresh for each). */}
      {edited ? null : <h4>New webhook</h4>}
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
