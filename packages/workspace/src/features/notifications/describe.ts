import type { Notification } from '@parley/contract';
import { t } from '../../i18n/index.js';

/** What a notification says, and where its button goes: one rule for the bell's list and the toast. */
export interface NotificationView {
  /** Who or what it is about, in bold; empty when the headline says it all. */
  who: string;
  headline: string;
  text: string;
  /** Where "Open" goes: the conversation it is about, or the console. */
  target: { conversationId: string } | { console: true } | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function describeNotification(n: Pick<Notification, 'type' | 'data'>): NotificationView {
  if (n.type === 'webhook.disabled') {
    const url = str(n.data.url) ?? t('notification.aWebhook');
    return {
      who: '',
      headline: t('notification.webhookOff'),
      text: t('notification.webhookOffText', { url, days: 3 }),
      target: { console: true },
    };
  }
  // a mention in a note (the first release's only kind), and any kind this workspace does not know yet
  const conversationId = str(n.data.conversationId);
  return {
    who: str(n.data.by) ?? t('notification.someone'),
    headline: n.type === 'mention' || conversationId ? t('notification.mentioned') : t('notification.sent'),
    text: str(n.data.text) ?? '',
    target: conversationId ? { conversationId } : null,
  };
}

/** The one-line toast for a notification that arrives live. */
export const notificationToast = (n: Pick<Notification, 'type' | 'data'>): string => {
  const v = describeNotification(n);
  return v.who ? t('notification.toast', { who: v.who, headline: v.headline }) : v.headline;
};
