import type { ChannelTemplate } from '@parley/contract';
import { useEffect, useId, useState } from 'react';
import { conversationTemplates, sendTemplate } from '../../app/channel-actions.js';
import { toast } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
import { newClientMessageId } from '../../lib/api.js';
import type { Message } from '../../lib/types.js';

/**
 * WhatsApp's 24-hour window has closed: free text is refused, and the composer offers the
 * channel's approved templates instead, each with its parameters.
 */
export function TemplatePicker({ conversationId, onSent, onClose }: { conversationId: string; onSent: (m: Message) => void; onClose: () => void }) {
  const [templates, setTemplates] = useState<ChannelTemplate[] | null>(null);
  const [chosen, setChosen] = useState<string>('');
  const [params, setParams] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const t = useT();
  useEffect(() => {
    conversationTemplates(conversationId).then(
      (list) => {
        setTemplates(list);
        setChosen(list[0]?.id ?? '');
        setParams(Array.from({ length: list[0]?.params ?? 0 }, () => ''));
      },
      (err: Error) => toast(err.message, 'error'),
    );
  }, [conversationId]);
  const template = templates?.find((x) => x.id === chosen);

  async function send() {
    if (!template || busy) return;
    setBusy(true);
    try {
      const m = await sendTemplate(
        conversationId,
        { name: template.name, language: template.language, params: params.map((p) => p.trim()) },
        newClientMessageId(),
      );
      onSent(m);
      onClose();
    } catch (err) {
      toast(t('conversation.templates.notSent', { error: (err as Error).message }), 'error');
    } finally {
      setBusy(false);
    }
  }

  return (
    <fieldset className="template-picker">
      <legend className="box-legend">{t('conversation.templates.legend')}</legend>
      <p className="muted small" id={`${id}-why`}>
        {t('conversation.templates.why')}
      </p>
      {templates === null ? (
        <p className="muted">{t('conversation.templates.loading')}</p>
      ) : templates.length === 0 ? (
        <p>{t('conversation.templates.none')}</p>
      ) : (
        <>
          <label htmlFor={`${id}-t`}>{t('conversation.templates.template')}</label>
          <select
            id={`${id}-t`}
            className="input"
            value={chosen}
            aria-describedby={`${id}-why`}
            onChange={(e) => {
              setChosen(e.target.value);
              setParams(Array.from({ length: templates.find((x) => x.id === e.target.value)?.params ?? 0 }, () => ''));
            }}
          >
            {templates.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name} ({x.language})
              </option>
            ))}
          </select>
          {params.map((p, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: parameters are positional ({{1}}, {{2}}…)
            <div key={i} className="template-param">
              <label htmlFor={`${id}-p${i}`}>{t('conversation.templates.parameter', { n: i + 1 })}</label>
              <input id={`${id}-p${i}`} className="input" value={p} onChange={(e) => setParams(params.map((x, j) => (j === i ? e.target.value : x)))} />
            </div>
          ))}
        </>
      )}
      <div className="quick-reply-bar">
        <button type="button" className="button primary" onClick={() => void send()} disabled={busy || !template || params.some((p) => !p.trim())}>
          {t('conversation.templates.send')}
        </button>
        <button type="button" className="button ghost" onClick={onClose}>
          {t('common.cancel')}
        </button>
      </div>
    </fieldset>
  );
}
