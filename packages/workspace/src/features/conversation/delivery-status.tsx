import { useState } from 'react';
import { retryDelivery } from '../../app/channel-actions.js';
import { toast } from '../../app/store.js';
import { t, useT } from '../../i18n/index.js';
import type { Message } from '../../lib/types.js';

/** What each delivery state looks like, and what a screen reader says (the marks alone mean nothing to it). */
const LOOK = {
  queued: { mark: '…', label: () => t('delivery.queued') },
  sent: { mark: '✓', label: () => t('delivery.sent') },
  delivered: { mark: '✓✓', label: () => t('delivery.delivered') },
  read: { mark: '✓✓', label: () => t('delivery.read') },
  failed: { mark: '!', label: () => t('delivery.failed') },
} as const;

/**
 * Where an agent message on a channel stands, as the provider reports it: ✓ sent, ✓✓ delivered,
 * ✓✓ (blue) read, or "Not delivered" with the provider's reason and a Retry button.
 */
export function DeliveryStatus({ message, onRetried }: { message: Message; onRetried?: (m: Message) => void }) {
  const [busy, setBusy] = useState(false);
  useT();
  const d = message.delivery;
  if (!d) return null;
  const look = LOOK[d];
  async function retry() {
    // The request leaves first; the button shows busy while it is on its way.
    const answer = retryDelivery(message.conversationId, message.id);
    setBusy(true);
    try {
      onRetried?.(await answer);
    } catch (err) {
      toast(t('delivery.retryFailed', { error: (err as Error).message }), 'error');
    } finally {
      setBusy(false);
    }
  }
  return (
    <p className={`msg-delivery msg-delivery-${d}${d === 'failed' ? ' msg-delivery-failed' : ' muted'}`} role={d === 'failed' ? 'alert' : undefined}>
      <span className="delivery-mark" aria-hidden="true">
        {look.mark}
      </span>{' '}
      <span className={d === 'failed' ? undefined : 'sr-only'}>
        {d === 'failed' && message.deliveryError ? t('delivery.failedWhy', { label: look.label(), error: message.deliveryError }) : look.label()}
      </span>
      {d !== 'failed' && d !== 'queued' ? (
        <span className="delivery-word" aria-hidden="true">
          {d === 'read' ? t('delivery.readWord') : ''}
        </span>
      ) : null}
      {d === 'failed' ? (
        <button type="button" className="button ghost small" onClick={() => void retry()} disabled={busy} aria-label={t('delivery.retryLabel')}>
          {t('delivery.retry')}
        </button>
      ) : null}
    </p>
  );
}

/** The buttons an agent message offered, and the one a consumer chose, as the agent sees them. */
export function QuickReplyMarks({ message }: { message: Message }) {
  useT();
  if (message.quickReplies?.length) {
    return (
      <ul className="msg-quick-replies" aria-label={t('delivery.buttonsOffered')}>
        {message.quickReplies.map((q) => (
          <li key={`${q.title}|${q.payload ?? ''}`}>{q.title}</li>
        ))}
      </ul>
    );
  }
  if (message.quickReply) return <p className="msg-quick-reply muted">{t('delivery.choseButton')}</p>;
  return null;
}
