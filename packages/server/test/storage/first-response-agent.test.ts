import { describe, expect, it } from 'vitest';
import { up } from '../../src/storage/migrations/2026_11_26_0008_add_first_response_agent.js';
import { dialects, openTestDb } from '../harness.js';

describe.each(dialects)('migration 0008 (first_response_agent_id) on %s', (dialect) => {
  it('credits each answered conversation to the sender of its first agent message', async () => {
    const { db, destroy } = await openTestDb(dialect);
    const k = db.kysely;
    try {
      // A database as migration 0007 left it: without the column and its index.
      await k.schema.dropIndex('conversations_first_response').execute();
      await k.schema.alterTable('conversations').dropColumn('first_response_agent_id').execute();
      await k.insertInto('accounts').values({ id: 'acc', name: 'A', settings: '{}', identity_secret: 's', created_at: 0 }).execute();
      await k.insertInto('consumers').values({ id: 'jo', account_id: 'acc', channel: 'web', name: 'Jo', custom_variables: '{}', created_at: 0 }).execute();
      const conversation = (id: string, firstResponseAt: number | null) => ({
        id,
        account_id: 'acc',
        consumer_id: 'jo',
        channel: 'web',
        state: 'closed',
        last_agent_id: 'bob',
        awaiting: 'consumer',
        awaiting_since: 0,
        priority: 0,
        urgent: 0,
        first_time: 0,
        actionable: 0,
        dismissed: 0,
        created_at: 0,
        last_seq: 4,
        agent_unread: 0,
        first_response_at: firstResponseAt,
        offer_excluded: '[]',
        updated_at: 0,
      });
      await k
        .insertInto('conversations')
        .values([conversation('transferred', 10), conversation('unanswered', null)])
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
          message('transferred', 1, 'consumer', 'jo'),
          message('transferred', 2, 'system', null),
          message('transferred', 3, 'agent', 'alice'),
          message('transferred', 4, 'agent', 'bob'),
          message('unanswered', 1, 'consumer', 'jo'),
        ])
        .execute();

      await up(k);
      const rows = await k.selectFrom('conversations').select(['id', 'first_response_agent_id']).orderBy('id').execute();
      expect(rows).toEqual([
        { id: 'transferred', first_response_agent_id: 'alice' },
        { id: 'unanswered', first_response_agent_id: null },
      ]);
    } finally {
      await destroy();
    }
  });
});
