import type { ChannelType } from '@parley/contract';
import type { ChannelAdapter } from './adapter.js';
import { instagramAdapter } from './instagram.js';
import { messengerAdapter } from './messenger.js';
import { smsAdapter } from './sms.js';
import { telegramAdapter } from './telegram.js';
import { webhookAdapter } from './webhook.js';
import { whatsappAdapter } from './whatsapp.js';

const adapters: Record<ChannelType, ChannelAdapter> = {
  sms: smsAdapter,
  messenger: messengerAdapter,
  webhook: webhookAdapter,
  whatsapp: whatsappAdapter,
  instagram: instagramAdapter,
  telegram: telegramAdapter,
};

export const adapterFor = (type: ChannelType): ChannelAdapter => adapters[type];
