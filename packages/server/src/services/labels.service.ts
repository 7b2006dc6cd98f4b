import type { ActiveItem, Label, UpdateLabelRequest } from '@parley/contract';
import { rowEvent } from '../domain/conversation.js';
import { conflict, invalid, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Tx } from '../storage/db.js';
import { findAccount } from '../storage/repos/accounts.repo.js';
import { findConsumer } from '../storage/repos/consumers.repo.js';
import { lockConversationLight } from '../storage/repos/conversations.repo.js';
import {
  countConversationsByLabel,
  findLabel,
  findLabelByName,
  findLabelsByIds,
  insertLabel,
  type LabelRecord,
  labelsOfConversations,
  listLabels,
  removeLabelFromConversations,
  setConversationLabels,
  updateLabel,
} from '../storage/repos/labels.repo.js';
import { findUser } from '../storage/repos/users.repo.js';
import { assertCanAct, assertCanRead } from './access.js';
import { type Actor, changes, recordAudit } from './audit.service.js';
import { type Deps, emit, inTransaction } from './context.js';
import type { UserPrincipal } from './principal.js';

const toWire = (l: LabelRecord): Label => ({ id: l.id, name: l.name, color: l.color });

export async function listAccountLabels(deps: Deps, accountId: string, page: { after?: readonly [string, string] | undefined; limit: number }) {
  return (await listLabels(deps.db.kysely, accountId, page)).map(toWire);
}

export async function createLabel(deps: Deps, accountId: string, input: Omit<Label, 'id'>, actor: Actor): Promise<Label> {
  return deps.db.transaction(async (tx) => {
    if (await findLabelByName(tx, accountId, input.name)) throw conflict(`a label named "${input.name}" exists`);
    const l: LabelRecord = { id: newId(), accountId, name: input.name, color: input.color.toLowerCase(), deleted: false, createdAt: deps.clock.now() };
    await insertLabel(tx, l);
    await recordAudit(tx, deps.clock.now(), { accountId, ...actor, action: 'label.created', targetType: 'label', targetId: l.id, details: toWire(l) });
    return toWire(l);
  });
}

export async function patchLabel(deps: Deps, accountId: string, id: string, patch: UpdateLabelRequest, actor: Actor): Promise<Label> {
  return deps.db.transaction(async (tx) => {
    const l = await findLabel(tx, accountId, id);
    if (!l) throw notFound('label');
    if (patch.name !== undefined && patch.name !== l.name && (await findLabelByName(tx, accountId, patch.name)))
      throw conflict(`a label named "${patch.name}" exists`);
    const next = { ...l, name: patch.name ?? l.name, color: patch.color?.toLowerCase() ?? l.color };
    await updateLabel(tx, next);
    await recordAudit(tx, deps.clock.now(), {
      accountId,
      ...actor,
      action: 'label.updated',
      targetType: 'label',
      targetId: id,
      details: changes(toWire(l), toWire(next)),
    });
    return toWire(next);
  });
}

/** A deleted label comes off every conversation; the reports keep its name for the past. */
export async function removeLabel(deps: Deps, accountId: string, id: string, actor: Actor): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const l = await findLabel(tx, accountId, id);
    if (!l) throw notFound('label');
    await updateLabel(tx, { ...l, deleted: true });
    await removeLabelFromConversations(tx, accountId, id);
    await recordAudit(tx, deps.clock.now(), { accountId, ...actor, action: 'label.deleted', targetType: 'label', targetId: id, details: { name: l.name } });
  });
}

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
    const found = (await findLabelsByIds(tx, p.accountId, ids)).filter((l) => !l.deleted);
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
      await findLabelsByIds(
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
