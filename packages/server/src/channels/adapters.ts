import type { ChannelType } from '@parley/contract';
import type { ChannelAdapter } from './adapter.js';
import { messengerAdapter } from './messenger.js';
import { smsAdapter } from './sms.js';
import { webhookAdapter } from './webhook.js';

const adapters: Record<ChannelType, ChannelAdapter> = { sms: smsAdapter, messenger: messengerAdapter, webhook: webhookAdapter };

export const adapterFor = (type: ChannelType): ChannelAdapter => adapters[type];
