import type { DeliveryStatus } from '@parley/contract';
import type { Tx } from '../db.js';

/** A provider's id of a message Parley sent (or of one a receipt named before the send was recorded). */
export interface ProviderMessageRecord {
  channelId: string;
  providerId: string;
  accountId: string;
  messageId: string | null;
  /** A receipt waiting for its message (the send not recorded yet). */
  status: DeliveryStatus | null;
  error: string | null;
}

export async function findProviderMessage(tx: Tx, channelId: string, providerId: string): Promise<ProviderMessageRecord | undefined> {
  const r = await tx.selectFrom('provider_messages').selectAll().where('channel_id', '=', channelId).where('provider_id', '=', providerId).executeTakeFirst();
  if (!r) return undefined;
  return {
    channelId: r.channel_id,
    providerId: r.provider_id,
    accountId: r.account_id,
    messageId: r.message_id,
    status: r.status as DeliveryStatus | null,
    error: r.error,
  };
}

/** Record that `messageId` went out as `providerId`; returns a receipt that was waiting for it, if any. */
export async function recordProviderMessage(
  tx: Tx,
  e: { channelId: string; providerId: string; accountId: string; messageId: string; at: number },
): Promise<{ status: DeliveryStatus; error: string | null } | null> {
  const waiting = await findProviderMessage(tx, e.channelId, e.providerId);
  if (waiting) {
    await tx
      .updateTable('provider_messages')
      .set({ message_id: e.messageId, updated_at: e.at })
      .where('channel_id', '=', e.channelId)
      .where('provider_id', '=', e.providerId)
      .execute();
    return waiting.status ? { status: waiting.status, error: waiting.error } : null;
  }
  await tx
    .insertInto('provider_messages')
    .values({
      channel_id: e.channelId,
      provider_id: e.providerId,
      account_id: e.accountId,
      message_id: e.messageId,
      status: null,
      error: null,
      created_at: e.at,
      updated_at: e.at,
    })
    .onConflict((oc) => oc.columns(['channel_id', 'provider_id']).doUpdateSet({ message_id: e.messageId, updated_at: e.at }))
    .execute();
  return null;
}

/** Keep a receipt for a provider id not recorded yet; a later receipt for it replaces the earlier one when it is further on (`rank`). */
export async function holdReceipt(
  tx: Tx,
  e: { channelId: string; providerId: string; accountId: string; status: DeliveryStatus; error: string | null; at: number },
  further: (next: DeliveryStatus, held: DeliveryStatus | null) => boolean,
): Promise<void> {
  const held = await findProviderMessage(tx, e.channelId, e.providerId);
  if (held) {
    if (!further(e.status, held.status)) return;
    await tx
      .updateTable('provider_messages')
      .set({ status: e.status, error: e.error, updated_at: e.at })
      .where('channel_id', '=', e.channelId)
      .where('provider_id', '=', e.providerId)
      .execute();
    return;
  }
  await tx
    .insertInto('provider_messages')
    .values({
      channel_id: e.channelId,
      provider_id: e.providerId,
      account_id: e.accountId,
      message_id: null,
      status: e.status,
      error: e.error,
      created_at: e.at,
      updated_at: e.at,
    })
    .onConflict((oc) => oc.columns(['channel_id', 'provider_id']).doNothing())
    .execute();
}
