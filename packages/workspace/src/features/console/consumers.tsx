import { type ConsumerSearchItem, formatDate } from '@parley/contract';
import { type FormEvent, useState } from 'react';
import { toast, useStore } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { formatNumber } from '../../lib/format.js';
import { Dialog } from '../../ui/dialog.js';
import { InlineField, problemErrors, useSubmit } from './forms.js';
import { ConsoleTable } from './table.js';

const CHANNELS: Record<string, string> = { web: 'Web', sms: 'SMS', messenger: 'Messenger', webhook: 'Webhook' };

/** Save a JSON document as a file the browser downloads. */
function download(name: string, data: unknown): void {
  const url = URL.createObjectURL(new Blob([`${JSON.stringify(data, null, 2)}\n`], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The confirmation of an erasure: what goes, what stays; the button waits for the manager to tick that they understand. */
function EraseDialog({ consumer, onClose, onErased }: { consumer: ConsumerSearchItem; onClose: () => void; onErased: (c: ConsumerSearchItem) => void }) {
  const [sure, setSure] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const t = useT();
  async function erase() {
    setBusy(true);
    try {
      const r = await api.call('POST /api/v1/consumers/{id}/erase', { params: { id: consumer.id } });
      toast(t('console.consumers.erasedToast', { name: consumer.name }));
      onErased({ ...consumer, name: t('console.consumers.erasedName'), identity: null, customVariables: {}, erasedAt: r.erasedAt });
    } catch (err) {
      setError(problemErrors(err)._ ?? t('console.consumers.eraseFailed'));
      setBusy(false);
    }
  }
  return (
    <Dialog title={t('console.consumers.eraseTitle', { name: consumer.name })} onClose={onClose}>
      <p>{t('console.consumers.eraseIntro')}</p>
      <ul className="erase-list">
        <li>{t('console.consumers.eraseMessages')}</li>
        <li>{t('console.consumers.eraseFiles', { identity: consumer.identity ?? t('console.consumers.noIdentity') })}</li>
        <li>{t('console.consumers.eraseStays')}</li>
      </ul>
      <label className="check">
        <input type="checkbox" checked={sure} onChange={(e) => setSure(e.target.checked)} data-autofocus /> {t('console.consumers.understand')}
      </label>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="dialog-actions">
        <span className="spacer" />
        <button type="button" className="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button type="button" className="button danger" disabled={!sure || busy} onClick={() => void erase()}>
          {t('console.consumers.eraseConfirm')}
        </button>
      </div>
    </Dialog>
  );
}

/**
 * Consumer data rights (GDPR / CCPA): find a consumer by name, identity, phone or id; download
 * everything held about them as JSON; erase them after a confirmation.
 */
export function ConsumersScreen() {
  const prefs = useStore((s) => s.datePrefs);
  const [q, setQ] = useState('');
  const [searched, setSearched] = useState<string | null>(null);
  const [items, setItems] = useState<ConsumerSearchItem[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [erasing, setErasing] = useState<ConsumerSearchItem | null>(null);
  const [errors, busy, run] = useSubmit();
  const t = useT();

  async function load(query: string, cursor: string | null) {
    const page = await api.call('GET /api/v1/consumers', { query: { q: query || undefined, limit: 50, cursor: cursor ?? undefined } });
    setItems((prev) => (cursor ? [...prev, ...page.items] : page.items));
    setNext(page.nextCursor);
    setSearched(query);
  }
  async function search(e: FormEvent) {
    e.preventDefault();
    await run(() => load(q.trim(), null));
  }
  async function exportOne(c: ConsumerSearchItem) {
    await run(
      async () => {
        const data = await api.call('GET /api/v1/consumers/{id}/export', { params: { id: c.id } });
        download(`consumer-${c.id}.json`, data);
      },
      t('console.consumers.exported', { name: c.name }),
    );
  }

  return (
    <section aria-labelledby="console-consumers">
      <h3 id="console-consumers">{t('console.consumers.title')}</h3>
      <p className="muted">{t('console.consumers.intro')}</p>
      <form className="console-form" onSubmit={search} aria-label={t('console.consumers.find')}>
        <InlineField
          label={t('console.consumers.query')}
          path="q"
          errors={errors}
          button={
            <button type="submit" className="button primary" disabled={busy}>
              {t('console.consumers.search')}
            </button>
          }
        >
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} maxLength={200} autoComplete="off" />
        </InlineField>
      </form>
      {searched === null ? null : items.length === 0 ? (
        <p className="muted" role="status">
          {searched ? t('console.consumers.noMatch', { query: searched }) : t('console.consumers.noneYet')}
        </p>
      ) : (
        <>
          <p className="sr-only" role="status">
            {t(next ? 'console.consumers.countMore' : 'console.consumers.count', { count: items.length })}
          </p>
          <ConsoleTable
            label={t('console.consumers.table')}
            columns={[
              t('console.consumers.col.name'),
              t('console.consumers.col.identity'),
              t('console.consumers.col.channel'),
              t('console.consumers.col.conversations'),
              t('console.consumers.col.since'),
            ]}
            actions
          >
            {items.map((c) => (
              <tr key={c.id} className={c.erasedAt ? 'inactive' : undefined}>
                <td>
                  {c.name}
                  {c.erasedAt ? <span className="muted"> {t('console.consumers.erasedOn', { date: formatDate(c.erasedAt, prefs) })}</span> : null}
                </td>
                <td data-label={t('console.consumers.col.identity')}>{c.identity ?? '—'}</td>
                <td data-label={t('console.consumers.col.channel')}>{CHANNELS[c.channel] ?? c.channel}</td>
                <td data-label={t('console.consumers.col.conversations')}>{formatNumber(c.conversations)}</td>
                <td data-label={t('console.consumers.col.since')}>{formatDate(c.createdAt, prefs)}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="button"
                    data-export={c.id}
                    aria-label={t('console.consumers.exportLabel', { name: c.name })}
                    disabled={busy}
                    onClick={() => void exportOne(c)}
                  >
                    {t('console.consumers.export')}
                  </button>{' '}
                  {c.erasedAt ? null : (
                    <button
                      type="button"
                      className="button danger-ghost"
                      aria-label={t('console.consumers.eraseLabel', { name: c.name })}
                      onClick={() => setErasing(c)}
                    >
                      {t('console.consumers.erase')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </ConsoleTable>
          {next ? (
            <button type="button" className="button" disabled={busy} onClick={() => void run(() => load(searched, next))}>
              {t('console.consumers.more')}
            </button>
          ) : null}
        </>
      )}
      {erasing ? (
        <EraseDialog
          consumer={erasing}
          onClose={() => setErasing(null)}
          onErased={(done) => {
            setItems((list) => list.map((c) => (c.id === done.id ? done : c)));
            setErasing(null);
            // The Erase button that opened the dialog is gone: keyboard focus goes to the row's Export.
            requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-export="${CSS.escape(done.id)}"]`)?.focus());
          }}
        />
      ) : null}
    </section>
  );
}
