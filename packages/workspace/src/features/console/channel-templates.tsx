import type { ChannelTemplate } from '@parley/contract';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { toast } from '../../app/store.js';
import { api } from '../../lib/api.js';
import { Field, FormError, useSubmit } from './forms.js';
import { ConsoleTable } from './table.js';

/**
 * A WhatsApp channel's approved message templates (approved in Meta's WhatsApp Manager, listed
 * here by name, language and number of body parameters): what agents may send once the 24-hour
 * window has closed.
 */
export function ChannelTemplates({ channelId, channelName }: { channelId: string; channelName: string }) {
  const [items, setItems] = useState<ChannelTemplate[]>([]);
  const [name, setName] = useState('');
  const [language, setLanguage] = useState('en_US');
  const [params, setParams] = useState('0');
  const [errors, busy, run] = useSubmit();
  const load = useCallback(() => {
    api.all('GET /api/v1/channels/{id}/templates', { params: { id: channelId } }).then(
      (r) => setItems(r.items),
      (e: Error) => toast(e.message, 'error'),
    );
  }, [channelId]);
  useEffect(load, [load]);

  async function add(e: FormEvent) {
    e.preventDefault();
    const ok = await run(
      () =>
        api.call('POST /api/v1/channels/{id}/templates', {
          params: { id: channelId },
          body: { name: name.trim(), language: language.trim(), params: Number(params) },
        }),
      `Template ${name.trim()} added`,
    );
    if (ok) {
      setName('');
      load();
    }
  }
  async function remove(t: ChannelTemplate) {
    if (!confirm(`Remove the template ${t.name} (${t.language})? Agents can no longer send it.`)) return;
    try {
      await api.call('DELETE /api/v1/channels/{id}/templates/{templateId}', { params: { id: channelId, templateId: t.id } });
      load();
    } catch (err) {
      toast((err as Error).message, 'error');
    }
  }

  return (
    <section className="channel-templates" aria-labelledby={`templates-${channelId}`}>
      <h4 id={`templates-${channelId}`}>Message templates of {channelName}</h4>
      <p className="muted">
        The templates approved in the WhatsApp Manager that agents may send when the consumer wrote more than 24 hours ago. Give each its exact name, language
        code and number of body parameters.
      </p>
      <ConsoleTable label={`Templates of ${channelName}`} columns={['Name', 'Language', 'Parameters']} actions>
        {items.map((t) => (
          <tr key={t.id}>
            <td>
              <code>{t.name}</code>
            </td>
            <td data-label="Language">{t.language}</td>
            <td data-label="Parameters">{t.params}</td>
            <td className="actions">
              <button type="button" className="button" onClick={() => void remove(t)} aria-label={`Remove the template ${t.name} (${t.language})`}>
                Remove
              </button>
            </td>
          </tr>
        ))}
      </ConsoleTable>
      <form className="console-form" onSubmit={add} aria-label={`New template for ${channelName}`} noValidate>
        <div className="console-grid">
          <Field label="Template name" path="name" errors={errors}>
            <input value={name} onChange={(e) => setName(e.target.value)} placeholder="order_update" autoComplete="off" />
          </Field>
          <Field label="Language" path="language" errors={errors}>
            <input value={language} onChange={(e) => setLanguage(e.target.value)} placeholder="en_US" autoComplete="off" />
          </Field>
          <Field label="Body parameters" path="params" errors={errors}>
            <input type="number" min={0} max={20} value={params} onChange={(e) => setParams(e.target.value)} />
          </Field>
        </div>
        <FormError errors={errors} />
        <button type="submit" className="button primary" disabled={busy || !name.trim()}>
          Add template
        </button>
      </form>
    </section>
  );
}
