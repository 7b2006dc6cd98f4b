import { t } from '../i18n/index.js';
import type { ActiveItem, Channel } from './types.js';

/*
 * How the workspace names people in rows, the left bar and the transcript: consumers whose only
 * name is a phone number, the author of a row's last message, and who closed a conversation.
 */

// E.164 country codes: 1 and 7 are one digit, these two, every other one three.
const TWO_DIGIT_CODES = new Set(
  '20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98'.split(' '),
);

/** Groups of three, the last of up to four: "5550100199" → "555 010 0199". */
function groups(digits: string): string {
  const out: string[] = [];
  let rest = digits;
  while (rest.length > 4) {
    out.push(rest.slice(0, 3));
    rest = rest.slice(3);
  }
  if (rest) out.push(rest);
  return out.join(' ');
}

/**
 * A phone number as people read it ("+15550100199" → "+1 555 010 0199", "+442079460958" →
 * "+44 207 946 0958"), or null when `raw` is not just a phone number.
 */
export function formatPhone(raw: string): string | null {
  const t = raw.trim();
  if (!/^\+?[\d\s().-]+$/.test(t)) return null;
  const digits = t.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return null;
  if (!t.startsWith('+')) return groups(digits);
  const ccLength = digits[0] === '1' || digits[0] === '7' ? 1 : TWO_DIGIT_CODES.has(digits.slice(0, 2)) ? 2 : 3;
  const cc = digits.slice(0, ccLength);
  const national = digits.slice(ccLength);
  if (cc === '1' && national.length === 10) return `+1 ${national.slice(0, 3)} ${national.slice(3, 6)} ${national.slice(6)}`;
  return `+${cc} ${groups(national)}`;
}

/**
 * The consumer's name as the workspace shows it. SMS consumers are known by their number only:
 * "SMS +1 555 010 0199" (the channel says what the number is); another channel's number is
 * formatted; any other name is kept as it is.
 */
export function consumerLabel(name: string, channel: Channel): string {
  const phone = formatPhone(name);
  if (phone === null) return name;
  return channel === 'sms' ? t('people.sms', { phone }) : phone;
}

/** The avatar's letters: the initials of the first two words that start with a letter ("SMS +1 555…" → "S"), else "#". */
export function initialsOf(label: string): string {
  const words = label.split(/\s+/).filter((w) => /^\p{L}/u.test(w));
  return (
    words
      .slice(0, 2)
      .map((w) => w[0]?.toUpperCase())
      .join('') || '#'
  );
}

/**
 * Who wrote a row's last message, as its preview starts ("You: …", "Bob Chen: …"): "You" only for
 * what the signed-in user wrote; another agent or a bot by name; nothing for the consumer or the system.
 */
export function lastMessageAuthor(last: ActiveItem['lastMessage'], meId: string | null): string | null {
  if (last?.senderType === 'bot') return last.senderName ?? 'Bot';
  if (last?.senderType !== 'agent') return null;
  if (meId !== null && last.senderId === meId) return t('people.you');
  return last.senderName ?? t('role.agent');
}

/** How a closed conversation was closed, after the word "Closed": "by you", "by the consumer", "by Dana Reyes", "automatically". */
export function closedByPhrase(item: Pick<ActiveItem, 'state' | 'closedBy' | 'closedById' | 'closedByName'>, meId: string | null): string | null {
  if (item.state !== 'closed' || !item.closedBy) return null;
  if (item.closedBy === 'consumer') return t('closedBy.consumer');
  if (item.closedBy === 'system') return t('closedBy.system');
  if (meId !== null && item.closedById === meId) return t('closedBy.you');
  return item.closedByName ? t('closedBy.name', { name: item.closedByName }) : t('closedBy.agent');
}

/** "Closed by you", "Closed automatically", …; null while open or when nobody knows. */
export function closedByText(item: Pick<ActiveItem, 'state' | 'closedBy' | 'closedById' | 'closedByName'>, meId: string | null): string | null {
  const phrase = closedByPhrase(item, meId);
  return phrase === null ? null : t('closedBy.text', { phrase });
}
