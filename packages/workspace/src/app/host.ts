import { api } from '../lib/api.js';
import { type BridgeCommand, EmbedBridge } from '../lib/embed-bridge.js';
import type { AgentStatus } from '../lib/types.js';
import { setStatus } from './me.js';
import { openConversation } from './navigation.js';
import { store } from './store.js';

// The host page that embeds the workspace (lib/embed-bridge.ts): what it is told, and its commands.

export const bridge = new EmbedBridge(onBridgeCommand);

export function copyTranscriptToHost(id: string, text: string): void {
  bridge.post('transcript', { id, text });
}

function onBridgeCommand(cmd: BridgeCommand): void {
  // The bridge listens only while signed in; a command never outlives the session it came in.
  const session = store.get().session;
  if (!session) return;
  switch (cmd.type) {
    case 'openConversation':
      if (typeof cmd.data.id === 'string') openConversation(cmd.data.id);
      break;
    case 'setStatus':
      if (typeof cmd.data.status === 'string') void setStatus(cmd.data.status as AgentStatus);
      break;
    case 'insertText':
      if (typeof cmd.data.text === 'string') store.set((s) => ({ insertRequest: { text: cmd.data.text as string, n: (s.insertRequest?.n ?? 0) + 1 } }));
      break;
    case 'requestTranscript': {
      const id = typeof cmd.data.id === 'string' ? cmd.data.id : store.get().selectedId;
      if (!id) break;
      api.call('GET /api/v1/conversations/{id}/transcript.txt', { params: { id } }).then(
        (text) => {
          if (store.get().session?.token === session.token) bridge.post('transcript', { id, text });
        },
        () => undefined, // not this agent's to read, or gone: the host's request times out
      );
      break;
    }
  }
}
