import type { ActiveItem, Label, UpdateLabelRequest } from '@parley/contract';
import { rowEvent } from '../domain/conversation.js';
import { invalid } from '../domain/errors.js';
import type { Tx } from '../storage/db.js';
import { findAccount } from '../storage/repos/accounts.repo.js';
import { findConsumer } from '../storage/repos/consumers.repo.js';
import { lockConversationLight } from '../storage/repos/conversations.repo.js';
import {
  countConversationsByLabel,
  type LabelRecord,
  labelsOfConversations,
  labelsRepo,
  removeLabelFromConversations,
  setConversationLabels,
} from '../storage/repos/labels.repo.js';
import { findUser } from '../storage/repos/users.repo.js';
import { assertCanAct, assertCanRead } from './access.js';
import { type Deps, emit, inTransaction } from './context.js';
import { namedListService } from './named-list.service.js';
import type { UserPrincipal } from './principal.js';

const labels = namedListService<LabelRecord, Label, Omit<Label, 'id'>, UpdateLabelRequest>({
  repo: labelsRepo,
  noun: 'label',
  kind: 'label',
  toWire: (l) => ({ id: l.id, name: l.name, color: l.color }),
  build: (input) => ({ color: input.color.toLowerCase() }),
  apply: (l, patch) => ({ ...l, color: patch.color?.toLowerCase() ?? l.color }),
  // a deleted label comes off every conversation; the reports keep its name for the past
  onRemove: removeLabelFromConversations,
});

export const listAccountLabels = labels.list;
export const createLabel = labels.create;
export const patchLabel = labels.patch;
export const removeLabel = labels.remove;

/**
 * The conversation's labels become `labelIds` (the agent who has it, or a manager). Unknown labels
 * are a 400 and change nothing. The agent's row is pushed again with them.
 */
export async function setLabels(deps: Deps, p: UserPrincipal, conversationId: string, labelIds: string[]): Promise<{ labelIds: string[] }> {
  return inTransaction(deps, p.accountId, async (tx, out) => {
    const skills = p.role === 'manager' ? [] : ((await findUser(tx, p.accountId, p.userId))?.skills ?? []);
    const c = assertCanRead(p, await lockConversationLight(tx, deps.db.dialect, p.accountId, conversationId), skills);
    assertCanAct(p, c);
    const ids = [...new Set(labelIds)];
    const found = (await labelsRepo.findByIds(tx, p.accountId, ids)).filter((l) => !l.deleted);
    if (found.length !== ids.length) throw invalid('unknown label', 'labelIds');
    const now = deps.clock.now();
    await setConversationLabels(tx, p.accountId, c.id, ids, now);
    const account = await findAccount(tx, p.accountId);
    const consumer = await findConsumer(tx, p.accountId, c.consumerId);
    if (account && (c.agentId ?? c.lastAgentId)) {
      const e = rowEvent(c, consumer?.name ?? 'Visitor', account.settings.idleAfterSec, now);
      if (e.type === 'conversation.upserted') emit(out, [{ type: e.type, data: { ...e.data, labels: ids } }], { conversation: c });
    }
    return { labelIds: ids };
  });
}

/** List rows with their labels. */
export async function withLabels<T extends ActiveItem>(tx: Tx, accountId: string, items: T[]): Promise<T[]> {
  const labels = await labelsOfConversations(
    tx,
    accountId,
    items.map((i) => i.id),
  );
  return items.map((i) => ({ ...i, labels: labels.get(i.id) ?? [] }));
}

/** Conversations created in `[from, to)` per label, most used first. */
export async function labelsReport(deps: Deps, accountId: string, from: number, to: number) {
  const tx = deps.db.kysely;
  const counts = await countConversationsByLabel(tx, accountId, from, to);
  const byId = new Map(
    (
      await labelsRepo.findByIds(
        tx,
        accountId,
        counts.map((c) => c.labelId),
      )
    ).map((l) => [l.id, l]),
  );
  return counts
    .map((c) => ({ labelId: c.labelId, name: byId.get(c.labelId)?.name ?? c.labelId, color: byId.get(c.labelId)?.color ?? '#888888', count: c.count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}
