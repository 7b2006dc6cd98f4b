import { describe, expect, it } from 'vitest';
import { up } from '../../src/storage/migrations/2026_12_02_0011_add_closer_and_last_sender.js';
import { dialects, openTestDb } from '../harness.js';

describe.each(dialects)('migration 0011 (closer, last sender) on %s', (dialect) => {
  it('gives existing rows the author of their last message; the closer stays unknown', async () => {
    const { db, destroy } = await openTestDb(dialect);
    const k = db.kysely;
    try {
      // A database as migration 0010 left it: without the four columns.
      for (const c of ['closed_by_id', 'closed_by_name', 'last_message_sender_id', 'last_message_sender_name'])
        await k.schema.alterTable('conversations').dropColumn(c).execute();
      await k.insertInto('accounts').values({ id: 'acc', name: 'A', settings: '{}', identity_secret: 's', created_at: 0 }).execute();
      await k.insertInto('consumers').values({ id: 'jo', account_id: 'acc', channel: 'web', name: 'Jo', custom_variables: '{}', created_at: 0 }).execute();
      await k
        .insertInto('users')
        .values({
          id: 'bob',
          account_id: 'acc',
          username: 'bob',
          display_name: 'Bob Chen',
          password_hash: 'x',
          role: 'agent',
          max_concurrent: 5,
          status: 'online',
          active: 1,
          settings: '{}',
          status_changed_at: 0,
          created_at: 0,
        })
        .execute();
      const conversation = (id: string, lastSender: string | null) => ({
        id,
        account_id: 'acc',
        consumer_id: 'jo',
        channel: 'web',
        state: 'closed',
        closed_by: 'agent',
        last_agent_id: 'bob',
        awaiting: 'consumer',
        awaiting_since: 0,
        priority: 0,
        urgent: 0,
        first_time: 0,
        actionable: 0,
        dismissed: 0,
        created_at: 0,
        last_seq: 3,
        last_message_text: lastSender ? 'hi' : null,
        last_message_sender: lastSender,
        last_message_at: lastSender ? 3 : null,
        agent_unread: 0,
        offer_excluded: '[]',
        updated_at: 0,
      });
      await k
        .insertInto('conversations')
        .values([conversation('by-agent', 'agent'), conversation('by-consumer', 'consumer'), conversation('empty', null)])
        .execute();
      const message = (conversationId: string, seq: number, senderType: string, senderId: string | null) => ({
        id: `${conversationId}-${seq}`,
        account_id: 'acc',
        conversation_id: conversationId,
        seq,
        sender_type: senderType,
        sender_id: senderId,
        text: 'hi',
        created_at: seq,
      });
      await k
        .insertInto('messages')
        .values([
          message('by-agent', 1, 'consumer', 'jo'),
          message('by-agent', 2, 'agent', 'bob'),
          message('by-agent', 3, 'system', null),
          message('by-consumer', 1, 'agent', 'bob'),
          message('by-consumer', 2, 'consumer', 'jo'),
        ])
        .execute();

      await up(k);
      const rows = await k
        .selectFrom('conversations')
        .select(['id', 'last_message_sender_id', 'last_message_sender_name', 'closed_by_id', 'closed_by_name'])
        .orderBy('id')
        .execute();
      expect(rows).toEqual([
        { id: 'by-agent', last_message_sender_id: 'bob', last_message_sender_name: 'Bob Chen', closed_by_id: null, closed_by_name: null },
        { id: 'by-consumer', last_message_sender_id: 'jo', last_message_sender_name: null, closed_by_id: null, closed_by_name: null },
        { id: 'empty', last_message_sender_id: null, last_message_sender_name: null, closed_by_id: null, closed_by_name: null },
      ]);
    } finally {
      await destroy();
    }
  });
});
