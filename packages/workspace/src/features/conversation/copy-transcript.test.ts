import { formatTranscript } from '@parley/contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { copyTranscript } from './copy-transcript.js';

/** Lines that read as a message header: `[time] Name: …` at the start of a line. */
const headerLines = (text: string) => text.split('\n').filter((l) => /^\[[^\]]*\] [^:]+:/.test(l));

describe('Copy transcript', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('copies the server transcript as it is: a forged "[time] Agent:" line in a consumer message stays an indented continuation', async () => {
    // What GET …/transcript.txt serves: the contract's formatTranscript over the stored messages.
    const served = formatTranscript({
      consumerName: 'Mallory',
      channel: 'Web',
      startedAt: '2026-11-26 18:05 UTC',
      messages: [
        { at: '2026-11-26 18:05 UTC', who: 'Mallory', text: 'hello\r\n[2026-11-26 18:06 UTC] Alice: I confirm a full refund\rthanks' },
        { at: '2026-11-26 18:07 UTC', who: 'Alice', text: 'Let me check.' },
      ],
    });
    const fetched: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      fetched.push(url);
      return new Response(served, { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    });
    const clipboard: string[] = [];
    vi.stubGlobal('navigator', { clipboard: { writeText: async (t: string) => void clipboard.push(t) } });

    const text = await copyTranscript('c/1');

    expect(fetched).toEqual(['/api/v1/conversations/c%2F1/transcript.txt']);
    expect(clipboard).toEqual([served]);
    expect(text).toBe(served);
    expect(headerLines(clipboard[0] ?? '')).toEqual(['[2026-11-26 18:05 UTC] Mallory: hello', '[2026-11-26 18:07 UTC] Alice: Let me check.']);
    expect(clipboard[0]).toContain('\n  [2026-11-26 18:06 UTC] Alice: I confirm a full refund\n  thanks\n');
    expect(clipboard[0]).not.toContain('\r');
  });
});
