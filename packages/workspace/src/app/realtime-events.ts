import type { PushedEvent } from '@parley/contract';
import { notificationToast } from '../features/notifications/describe.js';
import { t } from '../i18n/index.js';
import { applyEvent } from '../lib/active-events.js';
import { consumerLabel } from '../lib/people.js';
import { playChime } from '../lib/sound.js';
import type { ActiveItem } from '../lib/types.js';
import { activeOf, activePatch, announceUnread } from './active.js';
import { bridge } from './host.js';
import { refreshKpis } from './me.js';
import { markRead, openConversation, saveNav } from './navigation.js';
import { eventBus, store, toast } from './store.js';

/**
 * A realtime event: the Active list follows it through the pure `applyEvent` (lib/active-events.ts);
 * what else it causes (toasts, chimes, desktop notifications, posts to the host page, the
 * transcript's bus) happens here, outside the reducer.
 */
export function handleEvent(e: PushedEvent): void {
  const s = store.get();
  // The list follows the events in seq order; one older than what the list has about its conversation changes nothing.
  const before = activeOf(s);
  const after = applyEvent(before, e);
  if (after !== before) store.set(activePatch(after));
  const listChanged = after !== before;
  switch (e.type) {
    case 'conversation.upserted': {
      if (!listChanged) break;
      const item = e.data;
      const known = s.active[item.id];
      if (!known && item.state === 'open') alertNewConversation(item);
      if (known && known.state !== 'closed' && item.state === 'closed') void refreshKpis();
      // New incoming message in the conversation on screen: it is read.
      if (item.unread > 0 && s.selectedId === item.id && s.tab === 'active' && document.visibilityState === 'visible') void markRead(item.id);
      announceUnread();
      break;
    }
    case 'conversation.removed': {
      if (!listChanged) break;
      const { id } = e.data;
      store.set((st) => ({
        pinned: st.pinned.filter((p) => p !== id),
        selectedId: st.selectedId === id ? null : st.selectedId,
      }));
      if (s.selectedId === id) bridge.post('conversation.closed', { id });
      saveNav();
      announceUnread();
      break;
    }
    case 'offer.created':
      if (listChanged) alertNewConversation(e.data.conversation, true);
      break;
    case 'offer.withdrawn':
      break;
    case 'survey.answered':
      // A survey answer of one of my conversations (they come after the close): CSAT and NPS move.
      void refreshKpis();
      break;
    case 'status.changed': {
      const { status, reason } = e.data;
      if (!s.session) break;
      store.set({ session: { ...s.session, user: { ...s.session.user, status } } });
      bridge.post('status.changed', { status });
      if (reason === 'missed_ring') toast(t('offer.missed'), 'error');
      break;
    }
    case 'notification.created': {
      const n = e.data;
      store.set((st) => ({ notifications: [n, ...st.notifications.filter((x) => x.id !== n.id)], unreadNotifications: st.unreadNotifications + 1 }));
      toast(notificationToast(n));
      break;
    }
    case 'note.created': {
      // A colleague's note on one of my conversations (a supervisor's whisper): said at once, whatever
      // is on screen; a note that mentions me already says so through its notification.
      const n = e.data;
      const me = s.session?.user.id;
      if (me && n.authorId !== me && !n.mentions.includes(me)) {
        const consumer = s.active[n.conversationId]?.consumer.name;
        const text = n.text.length > 140 ? `${n.text.slice(0, 139)}…` : n.text;
        toast(consumer ? t('notes.toast.on', { author: n.authorName, consumer, text }) : t('notes.toast', { author: n.authorName, text }));
      }
      break;
    }
    case 'message.created':
      break;
    default:
      break;
  }
  if (e.type === 'message.created' || e.type === 'message.updated' || e.type === 'note.created') eventBus.emit(e.type, e.data);
}

function alertNewConversation(item: ActiveItem, ringing = false): void {
  const { settings } = store.get();
  if (settings.soundEnabled && !ringing) playChime();
  if (settings.notificationsEnabled && typeof Notification !== 'undefined' && Notification.permission === 'granted' && document.visibilityState !== 'visible') {
    try {
      const n = new Notification(ringing ? t('offer.incoming') : t('alert.newConversation'), {
        body: `${consumerLabel(item.consumer.name, item.channel)}: ${item.lastMessage?.text ?? ''}`.slice(0, 160),
        tag: item.id,
      });
      n.onclick = () => {
        window.focus();
        if (!ringing) openConversation(item.id);
      };
    } catch {
      // notifications unavailable
    }
  }
}
