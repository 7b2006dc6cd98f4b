import { cleanDisplayName, textLines } from './text.js';

/**
 * The plain-text transcript of a conversation, as `GET /conversations/{id}/transcript.txt` serves
 * it, the workspace copies it to the clipboard and hands it to the host page, and the CRM sync
 * writes it into the Task. One function so that the three never differ.
 *
 * Rule (API.md, "Running in production"): a message is a header line `[time] Name: first line`,
 * and every further line of that message is indented by two spaces. Line breaks are normalised and
 * control characters dropped, and names are one line, so no text a consumer (or anyone) writes can
 * produce a line that looks like a header: a line that does not start with two spaces is always
 * written by this function, never by a sender.
 */

export const TRANSCRIPT_INDENT = '  ';

export interface TranscriptMessage {
  /** The time as the reader should see it, already formatted (by the caller: never a sender's text). */
  at: string;
  /** The sender's name (consumer, agent, or "System"). */
  who: string;
  /** The body: the text, and e.g. `[file: name]`; any line breaks. */
  text: string;
}

export interface TranscriptInput {
  consumerName: string;
  /** The channel as people name it: "Web", "SMS", … */
  channel: string;
  startedAt: string;
  messages: readonly TranscriptMessage[];
  /**
   * Set when the conversation is closed: when, and by whom as the line should name them ("Dana
   * Reyes", "the consumer"), if known; `automatic` for an auto-close ("Closed … automatically").
   */
  closed?: { at: string; by: string | null; automatic?: boolean } | null;
}

/** A one-line name for a header; an empty one (only invisible characters) reads as `fallback`. */
const oneLine = (name: string, fallback: string) => cleanDisplayName(name) || fallback;

/** One message: its header line, then each continuation line indented by two spaces. */
export function transcriptEntry(m: TranscriptMessage): string {
  const [first = '', ...rest] = textLines(m.text);
  const header = `[${m.at}] ${oneLine(m.who, 'Unknown')}:`;
  return [first ? `${header} ${first}` : header, ...rest.map((line) => TRANSCRIPT_INDENT + line)].join('\n');
}

/** The whole transcript, ending with a newline. */
export function formatTranscript(t: TranscriptInput): string {
  const lines = [`Conversation with ${oneLine(t.consumerName, 'Visitor')} (${t.channel}), started ${t.startedAt}`, ''];
  for (const m of t.messages) lines.push(transcriptEntry(m));
  if (t.closed) {
    const who = t.closed.automatic ? ' automatically' : t.closed.by ? ` by ${oneLine(t.closed.by, '?')}` : '';
    lines.push('', `Closed ${t.closed.at}${who}`);
  }
  return `${lines.join('\n')}\n`;
}
