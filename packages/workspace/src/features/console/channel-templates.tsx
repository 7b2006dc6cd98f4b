import type { ChannelTemplate } from '@parley/contract';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { toast } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
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
  const t = useT();
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
      t('console.templates.added', { name: name.trim() }),
    );
    if (ok) {
      setName('');
      load();
    }
  }
  async function remove(tpl: ChannelTemplate) {
    if (!confirm(t('console.templates.confirmRemove', { name: tpl.name, language: tpl.language }))) return;
    try {
      await api.call('DELETE /api/v1/channels/{id}/templates/{templateId}', { params: { id: channelId, templateId: tpl.id } });
      load();
    } catch (err) {
      toast((err as Error).message, 'error');
    }
  }

  return (
    <section className="channel-templates" aria-labelledby={`templates-${channelId}`}>
      <h4 id={`templates-${channelId}`}>{t('console.templates.title', { channel: channelName })}</h4>
      <p className="muted">{t('console.templates.intro')}</p>
      <ConsoleTable
        label={t('console.templates.table', { channel: channelName })}
        columns={[t('console.templates.col.name'), t('console.templates.col.language'), t('console.templates.col.params')]}
        actions
      >
        {items.map((tpl) => (
          <tr key={tpl.id}>
            <td>
              <code>{tpl.name}</code>
            </td>
            <td data-label={t('console.templates.col.language')}>{tpl.language}</td>
            <td data-label={t('console.templates.col.params')}>{tpl.params}</td>
            <td className="actions">
              <button
                type="button"
                className="button"
                onClick={() => void remove(tpl)}
                aria-label={t('console.templates.removeLabel', { name: tpl.name, language: tpl.language })}
              >
                {t('console.templates.remove')}
              </button>
            </td>
          </tr>
        ))}
      </ConsoleTable>
      <form className="console-form" onSubmit={add} aria-label={t('console.templates.new', { channel: channelName })} noValidate>
        <div className="console-grid">
          <Field label={t('console.templates.name')} path="name" errors={errors}>
            <input value={name} onChange={(e) => setName(e.target.value)} placeholder={t('console.templates.namePlaceholder')} autoComplete="off" />
          </Field>
          <Field label={t('console.templates.language')} path="language" errors={errors}>
            <input value={language} onChange={(e) => setLanguage(e.target.value)} placeholder={t('console.templates.languagePlaceholder')} autoComplete="off" />
          </Field>
          <Field label={t('console.templates.params')} path="params" errors={errors}>
            <input type="number" min={0} max={20} value={params} onChange={(e) => setParams(e.target.value)} />
          </Field>
        </div>
        <FormError errors={errors} />
        <button type="submit" className="button primary" disabled={busy || !name.trim()}>
          {t('console.templates.add')}
        </button>
      </form>
    </section>
  );
}
