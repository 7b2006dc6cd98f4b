import { MAX_QUICK_REPLIES, type QuickReply } from '@parley/contract';
import { useRef } from 'react';
import { t, useT } from '../../i18n/index.js';
import { Icon } from '../../ui/icons.js';

/**
 * The buttons an agent adds to a message (quick replies): a title each (what the consumer taps
 * and what comes back), at most 13. On WhatsApp up to 3 show as buttons, up to 10 as a list; SMS
 * numbers them.
 */
export function QuickReplyEditor({
  value,
  onChange,
  onClose,
  channel,
}: {
  value: QuickReply[];
  onChange: (v: QuickReply[]) => void;
  onClose: () => void;
  channel: string | undefined;
}) {
  useT();

  const inputs = useRef<(HTMLInputElement | null)[]>([]);
  const limit = channel === 'whatsapp' ? 10 : MAX_QUICK_REPLIES;
  const add = () => {
    onChange([...value, { title: '' }]);
    requestAnimationFrame(() => inputs.current[value.length]?.focus());
  };
  const hint = channel === 'whatsapp' ? t('qr.hint.whatsapp', { buttons: 3, list: 10 }) : channel === 'sms' ? t('qr.hint.sms') : t('qr.hint', { limit });
  return (
    <fieldset className="quick-reply-editor">
      <legend className="box-legend">{t('composer.buttons', { count: 0 })}</legend>
      <p className="muted small">{hint}</p>
      <ol>
        {value.map((q, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; the position is the identity
          <li key={i}>
            <label className="sr-only" htmlFor={`qr-${i}`}>
              {t('qr.button', { n: i + 1 })}
            </label>
            <input
              id={`qr-${i}`}
              ref={(el) => {
                inputs.current[i] = el;
              }}
              className="input"
              value={q.title}
              maxLength={100}
              placeholder={t('qr.button', { n: i + 1 })}
              onChange={(e) => onChange(value.map((x, j) => (j === i ? { ...x, title: e.target.value } : x)))}
            />
            <button
              type="button"
              className="button ghost"
              aria-label={q.title ? t('qr.removeNamed', { n: i + 1, title: q.title }) : t('qr.remove', { n: i + 1 })}
              onClick={() => onChange(value.filter((_, j) => j !== i))}
            >
              <Icon name="close" />
            </button>
          </li>
        ))}
      </ol>
      <div className="quick-reply-bar">
        <button type="button" className="button" onClick={add} disabled={value.length >= limit}>
          {t('qr.add')}
        </button>
        <button type="button" className="button ghost" onClick={onClose}>
          {t('qr.done')}
        </button>
      </div>
    </fieldset>
  );
}
