import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  EMBED_COMMAND_TYPES,
  EMBED_EVENT_TYPES,
  type EmbedAgentStatus,
  embedCommand,
  embedEvent,
  originOf,
  parseEmbedCommand,
  parseEmbedEvent,
} from './embed.js';
import { AgentStatus } from './schemas.js';

describe('embedding protocol', () => {
  it('has the event and command names of API.md "Embedding"', () => {
    expect(EMBED_EVENT_TYPES).toEqual([
      'ready',
      'auth.changed',
      'status.changed',
      'conversation.opened',
      'conversation.closed',
      'unread.changed',
      'transcript',
    ]);
    expect(EMBED_COMMAND_TYPES).toEqual(['openConversation', 'setStatus', 'insertText', 'requestTranscript']);
  });

  it('uses the same agent statuses as the API', () => {
    expectTypeOf<EmbedAgentStatus>().toEqualTypeOf<AgentStatus>();
    expect(AgentStatus.options).toEqual(['online', 'back_soon', 'away', 'offline']);
  });

  it('round-trips events and commands built by the helpers', () => {
    const opened = embedEvent('conversation.opened', { id: 'c1', consumer: { name: 'Emma', channel: 'web', customVariables: { email: 'e@x.io', vip: true } } });
    expect(parseEmbedEvent(JSON.parse(JSON.stringify(opened)))).toEqual(opened);
    const insert = embedCommand('insertText', { text: 'Hello' });
    expect(parseEmbedCommand(insert)).toEqual(insert);
    expect(parseEmbedCommand({ source: 'parley-embed', type: 'requestTranscript', data: {} })).toMatchObject({ type: 'requestTranscript', data: {} });
  });

  it('accepts a v1 command without a version, refuses newer versions', () => {
    expect(parseEmbedCommand({ source: 'parley-embed', type: 'setStatus', data: { status: 'away' } })).toMatchObject({ version: 1 });
    expect(parseEmbedCommand({ source: 'parley-embed', version: 2, type: 'setStatus', data: { status: 'away' } })).toBeNull();
  });

  it('refuses other sources, unknown types and bad data', () => {
    expect(parseEmbedEvent(embedCommand('setStatus', { status: 'away' }))).toBeNull();
    expect(parseEmbedCommand(embedEvent('ready', { version: 1 }))).toBeNull();
    expect(parseEmbedCommand({ source: 'parley-embed', type: 'toString', data: {} })).toBeNull();
    expect(parseEmbedCommand({ source: 'parley-embed', type: '__proto__', data: {} })).toBeNull();
    expect(parseEmbedCommand({ source: 'parley-embed', type: 'setStatus', data: { status: 'asleep' } })).toBeNull();
    expect(parseEmbedCommand({ source: 'parley-embed', type: 'insertText', data: { text: '' } })).toBeNull();
    expect(parseEmbedCommand({ source: 'parley-embed', type: 'insertText', data: { text: 'x'.repeat(10_001) } })).toBeNull();
    expect(parseEmbedCommand({ source: 'parley-embed', type: 'openConversation', data: { id: 42 } })).toBeNull();
    expect(parseEmbedEvent({ source: 'parley-workspace', version: 1, type: 'unread.changed', data: { count: '3' } })).toBeNull();
    for (const junk of [null, undefined, 'ready', 42, [], { type: 'ready' }]) {
      expect(parseEmbedEvent(junk)).toBeNull();
      expect(parseEmbedCommand(junk)).toBeNull();
    }
  });

  it('derives origins of http(s) URLs only', () => {
    expect(originOf('https://parley.example.com/?account=a1')).toBe('https://parley.example.com');
    expect(originOf('http://127.0.0.1:8080/x')).toBe('http://127.0.0.1:8080');
    expect(originOf('/?account=a1', 'https://p.example')).toBe('https://p.example');
    expect(originOf('javascript:alert(1)')).toBeNull();
    expect(originOf('not a url')).toBeNull();
  });
});
