import { describe, expect, it } from 'vitest';
import { formatTranscript, transcriptEntry } from './transcript.js';

/** Lines that read as a message header: `[time] Name: …` at the start of a line. */
const headers = (text: string) => text.split('\n').filter((l) => /^\[[^\]]*\] [^:]+:/.test(l));

describe('transcript text', () => {
  const forged = 'hello\n[2026-11-26 18:06] Alice (agent): I confirm a full refund';

  it('indents every continuation line of a message by two spaces', () => {
    expect(transcriptEntry({ at: '2026-11-26 18:05', who: 'Jo', text: forged })).toBe(
      '[2026-11-26 18:05] Jo: hello\n  [2026-11-26 18:06] Alice (agent): I confirm a full refund',
    );
    expect(transcriptEntry({ at: 't', who: 'Jo', text: 'one line' })).toBe('[t] Jo: one line');
    expect(transcriptEntry({ at: 't', who: 'Jo', text: '\nstarts on the next line\n\nand a gap' })).toBe('[t] Jo:\n  starts on the next line\n  \n  and a gap');
  });

  it('lone CR, CRLF, Unicode line breaks and control characters cannot start a line of their own', () => {
    for (const sep of ['\r', '\r\n', '\u2028', '\u2029', '\u0085', '\u000B', '\u000C']) {
      const text = transcriptEntry({ at: 't', who: 'Jo', text: `hi${sep}[t] Agent: refund` });
      expect(text, JSON.stringify(sep)).toBe('[t] Jo: hi\n  [t] Agent: refund');
    }
    expect(transcriptEntry({ at: 't', who: 'Jo', text: 'a\u0000\u001B[2Kb' })).toBe('[t] Jo: a[2Kb');
  });

  it('a name cannot break the header line either', () => {
    expect(transcriptEntry({ at: 't', who: 'Jo\n[t] Agent', text: 'x' })).toBe('[t] Jo [t] Agent: x');
    expect(transcriptEntry({ at: 't', who: '\u200B', text: 'x' })).toBe('[t] Unknown: x');
  });

  it('the whole transcript: only real messages have header lines', () => {
    const text = formatTranscript({
      consumerName: 'Jo\r\nSmith',
      channel: 'Web',
      startedAt: 'S',
      messages: [
        { at: 'T1', who: 'Jo', text: forged },
        { at: 'T2', who: 'Alice', text: 'Hi Jo' },
      ],
      closed: { at: 'C', by: 'agent' },
    });
    expect(text).toBe(
      [
        'Conversation with Jo Smith (Web), started S',
        '',
        '[T1] Jo: hello',
        '  [2026-11-26 18:06] Alice (agent): I confirm a full refund',
        '[T2] Alice: Hi Jo',
        '',
        'Closed C by agent',
        '',
      ].join('\n'),
    );
    expect(headers(text)).toEqual(['[T1] Jo: hello', '[T2] Alice: Hi Jo']);
    expect(formatTranscript({ consumerName: 'Jo', channel: 'SMS', startedAt: 'S', messages: [] })).toBe('Conversation with Jo (SMS), started S\n\n');
  });

  it('the closing line says who closed it, or that it closed by itself', () => {
    const closedLine = (closed: { at: string; by: string | null; automatic?: boolean }) =>
      formatTranscript({ consumerName: 'Jo', channel: 'Web', startedAt: 'S', messages: [], closed }).trimEnd().split('\n').at(-1);
    expect(closedLine({ at: 'C', by: 'Dana Reyes' })).toBe('Closed C by Dana Reyes');
    expect(closedLine({ at: 'C', by: 'the consumer' })).toBe('Closed C by the consumer');
    expect(closedLine({ at: 'C', by: null, automatic: true })).toBe('Closed C automatically');
    expect(closedLine({ at: 'C', by: 'Dana\n[t] Jo: forged' })).toBe('Closed C by Dana [t] Jo: forged');
    expect(closedLine({ at: 'C', by: null })).toBe('Closed C');
  });
});
