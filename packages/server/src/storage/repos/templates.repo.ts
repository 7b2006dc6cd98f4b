import type { Tx } from '../db.js';

export interface ChannelTemplateRecord {
  id: string;
  accountId: string;
  channelId: string;
  name: string;
  language: string;
  params: number;
  createdAt: number;
}

type Row = {
  id: string;
  account_id: string;
  channel_id: string;
  name: string;
  language: string;
  params: number;
  created_at: number;
};

const toRecord = (r: Row): ChannelTemplateRecord => ({
  id: r.id,
  accountId: r.account_id,
  channelId: r.channel_id,
  name: r.name,
  language: r.language,
  params: Number(r.params),
  createdAt: Number(r.created_at),
});

/** False when the channel already has a template of that name and language. */
export async function insertTemplate(tx: Tx, t: ChannelTemplateRecord): Promise<boolean> {
  const rows = await tx
    .insertInto('channel_templates')
    .values({ id: t.id, account_id: t.accountId, channel_id: t.channelId, name: t.name, language: t.language, params: t.params, created_at: t.createdAt })
    .onConflict((oc) => oc.columns(['channel_id', 'name', 'language']).doNothing())
    .returning('id')
    .execute();
  return rows.length === 1;
}

/** A channel's templates by name, then language; with `page`, up to `limit` after the position `[name, language]`. */
export async function listTemplates(
  tx: Tx,
  accountId: string,
  channelId: string,
  page?: { after?: readonly [string, string] | undefined; limit: number },
): Promise<ChannelTemplateRecord[]> {
  let q = tx.selectFrom('channel_templates').selectAll().where('account_id', '=', accountId).where('channel_id', '=', channelId);
  const after = page?.after;
  if (after) q = q.where((eb) => eb.or([eb('name', '>', after[0]), eb.and([eb('name', '=', after[0]), eb('language', '>', after[1])])]));
  const rows = await q
    .orderBy('name')
    .orderBy('language')
    .$if(page !== undefined, (qb) => qb.limit(page?.limit ?? 0))
    .execute();
  return rows.map(toRecord);
}

export async function findTemplate(tx: Tx, accountId: string, channelId: string, name: string, language: string): Promise<ChannelTemplateRecord | undefined> {
  const r = await tx
    .selectFrom('channel_templates')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('channel_id', '=', channelId)
    .where('name', '=', name)
    .where('language', '=', language)
    .executeTakeFirst();
  return r ? toRecord(r) : undefined;
}

export async function deleteTemplate(tx: Tx, accountId: string, channelId: string, id: string): Promise<boolean> {
  const r = await tx
    .deleteFrom('channel_templates')
    .where('account_id', '=', accountId)
    .where('channel_id', '=', channelId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
