/**
 * Entry of /embed.js (a classic script): defines `window.ParleyEmbed.create(options)`.
 *
 *   <script src="https://parley.example.com/embed.js"></script>
 *   <div id="parley" style="width:400px;height:700px"></div>
 *   <script>
 *     const parley = ParleyEmbed.create({ url: 'https://parley.example.com/?account=ACCOUNT_ID', container: document.getElementById('parley') });
 *     parley.on('conversation.opened', (c) => console.log(c.consumer.customVariables));
 *   </script>
 */
import { EMBED_PROTOCOL_VERSION } from '@parley/contract';
import { createParleyEmbed } from './index.js';

export interface ParleyEmbedGlobal {
  create: typeof createParleyEmbed;
  protocolVersion: number;
}

declare global {
  interface Window {
    ParleyEmbed?: ParleyEmbedGlobal;
  }
}

window.ParleyEmbed = { create: createParleyEmbed, protocolVersion: EMBED_PROTOCOL_VERSION };
