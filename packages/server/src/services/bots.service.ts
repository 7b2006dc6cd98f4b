import { randomBytes } from 'node:crypto';
import type { Bot, CreateBotRequest, CreatedBot, EscalateRequest, EscalateResult, Message, Note, UpdateBotRequest } from '@parley/contract';
import { type Conversation, isWithBot } from '../domain/conversation.js';
import * as lifecycle from '../domain/conversation-lifecycle.js';
import { conflict, invalid, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { RetryPolicy } from '../domain/retry-policy.js';
import type { Tx } from '../storage/db.js';
import { type Account, findAccount } from '../storage/repos/accounts.repo.js';
import { insertApiKey, revokeBotKeys } from '../storage/repos/api-keys.repo.js';
import { type BotRecord, findBot, insertBot, listBots, listLiveBots, updateBot } from '../storage/repos/bots.repo.js';
import { findConsumer } from '../storage/repos/consumers.repo.js';
import { findConversation, listConversationIdsWithBot, lockConversation } from '../storage/repos/conversations.repo.js';
import { countUnanswered } from '../storage/repos/messages.repo.js';
import { insertNote } from '../storage/repos/notes.repo.js';
import { findSkill } from '../storage/repos/skills.repo.js';
import type { TimerRow } from '../storage/repos/timers.repo.js';
import { findUser } from '../storage/repos/users.repo.js';
import { assertCanAct, assertCanRead } from './access.js';
import { API_KEY_PREFIX } from './api-keys.service.js';
import { type Actor, changes, recordAudit, SYSTEM_ACTOR } from './audit.service.js';
import { type Deps, emit, inTransaction, type Outbox } from './context.js';
import { enqueueJob, type JobKindHandler } from './jobs.service.js';
import { assertOutboundUrls } from './outbound-urls.service.js';
import { commit, settingsFor, syncTimers } from './persist.js';
import type { BotPrincipal, UserPrincipal } from './principal.js';
import { hashToken, newToken } from './tokens.js';
import { signWebhook } from './webhooks.service.js';

/**
 * Bots (API.md "Bots"), on the primitives of API keys and webhooks:
 *
 * - A bot is registered for skills; a new conversation of one of them is taken by the bot
 *   (lifecycle `open` with the bot: open, no agent, out of routing). Its key is an API key bound to
 *   it (`api_keys.bot_id`, scope `bots`): it acts as the bot, only on the routes that take bots
 *   (`config.bot`), only in the conversations the bot has.
 * - Each consumer message is a bot turn: a durable job of kind `bot` written in the message's
 *   transaction (key `bot:<conversation id>`, so one conversation's turns go in order), delivered
 *   as a Standard Webhooks request `{ type: "bot.message", timestamp, data: { conversationId,
 *   message, consumer } }` signed with the bot's secret, through the guarded outbound client.
 * - The bot answers through `POST /conversations/{id}/messages` (sender `bot`) and hands over with
 *   `POST /conversations/{id}/escalate` (lifecycle `escalate`: queued like a transfer, the note as an
 *   internal note). No consumer is left with a dead bot: a turn whose short retry budget runs out
 *   escalates (`failed`), the durable `bot_reply` timer escalates when the bot owes an answer past
 *   its reply time (`timeout`), and deleting a bot escalates what it has (`removed`).
 */

/** A few quick attempts: a consumer is waiting, and past them a person answers instead. */
export const BOT_RETRY: RetryPolicy = { firstDelayMs: 1_000, maxDelayMs: 4_000, factor: 2, jitter: 'full', maxAttempts: 3, maxAgeMs: 60_000 };
/** One attempt's bound (and at most the bot's reply time). */
const MAX_REQUEST_MS = 10_000;

const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

export const toWireBot = (b: BotRecord): Bot => ({
  id: b.id,
  name: b.name,
  url: b.url,
  skillIds: b.skillIds,
  timeoutSec: b.timeoutSec,
  keyPrefix: b.keyPrefix,
  createdAt: new Date(b.createdAt).toISOString(),
});

// ------------------------------------------------------------------ management

/** Every skill exists, and no other bot takes it (a new conversation goes to one bot). 400 / 409 otherwise. */
async function checkSkills(tx: Tx, accountId: string, skillIds: readonly string[], botId: string | null): Promise<void> {
  for (const [i, id] of skillIds.entries()) if (!(await findSkill(tx, accountId, id))) throw invalid(`unknown skill ${id}`, `body.skillIds.${i}`);
  for (const other of await listLiveBots(tx, accountId)) {
    if (other.id === botId) continue;
    const shared = other.skillIds.find((id) => skillIds.includes(id));
    if (shared) throw conflict(`the bot ${other.name} already takes the conversations of skill ${shared}`);
  }
}

export async function createBot(deps: Deps, p: UserPrincipal, input: CreateBotRequest, actor: Actor): Promise<CreatedBot> {
  await assertOutboundUrls(deps, [{ path: 'body.url', url: input.url }]);
  const now = deps.clock.now();
  const key = newToken(API_KEY_PREFIX.slice(0, -1));
  const bot: BotRecord = {
    id: newId(),
    accountId: p.accountId,
    name: input.name,
    url: input.url,
    skillIds: [...new Set(input.skillIds)],
    timeoutSec: input.timeoutSec,
    secret: newSecret(),
    keyPrefix: key.slice(0, 10),
    createdBy: p.userId,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  await deps.db.transaction(async (tx) => {
    await checkSkills(tx, p.accountId, bot.skillIds, null);
    await insertBot(tx, bot);
    await insertApiKey(tx, {
      id: newId(),
      accountId: p.accountId,
      name: `bot ${bot.name}`,
      prefix: bot.keyPrefix,
      scopes: ['bots'],
      createdBy: p.userId,
      createdAt: now,
      keyHash: hashToken(key),
      botId: bot.id,
    });
    await recordAudit(tx, now, {
      accountId: p.accountId,
      ...actor,
      action: 'bot.created',
      targetType: 'bot',
      targetId: bot.id,
      details: { name: bot.name, url: bot.url, skillIds: bot.skillIds, timeoutSec: bot.timeoutSec },
    });
  });
  return { ...toWireBot(bot), key, secret: bot.secret };
}

export async function listAccountBots(deps: Deps, accountId: string, opts: { after?: [number, string] | undefined; limit: number }) {
  return listBots(deps.db.kysely, accountId, opts);
}

export async function getBot(deps: Deps, accountId: string, id: string): Promise<BotRecord> {
  const b = await findBot(deps.db.kysely, accountId, id);
  if (!b) throw notFound('bot');
  return b;
}

/** Name, URL, skills, reply time: what follows uses them (a conversation keeps the reply time it started with). */
export async function patchBot(deps: Deps, accountId: string, id: string, input: UpdateBotRequest, actor: Actor): Promise<Bot> {
  if (input.url !== undefined) await assertOutboundUrls(deps, [{ path: 'body.url', url: input.url }]);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const before = await findBot(tx, accountId, id);
    if (!before) throw notFound('bot');
    const after: BotRecord = {
      ...before,
      ...(input.name !== undefined && { name: input.name }),
      ...(input.url !== undefined && { url: input.url }),
      ...(input.skillIds !== undefined && { skillIds: [...new Set(input.skillIds)] }),
      ...(input.timeoutSec !== undefined && { timeoutSec: input.timeoutSec }),
      updatedAt: now,
    };
    if (input.skillIds !== undefined) await checkSkills(tx, accountId, after.skillIds, id);
    await updateBot(tx, after);
    const pick = (b: BotRecord) => ({ name: b.name, url: b.url, skillIds: b.skillIds, timeoutSec: b.timeoutSec });
    await recordAudit(tx, now, { accountId, ...actor, action: 'bot.updated', targetType: 'bot', targetId: id, details: changes(pick(before), pick(after)) });
    return toWireBot(after);
  });
}

/** Delete: its key stops at once, it takes nothing more, and what it has escalates (no consumer is left with it). */
export async function removeBot(deps: Deps, accountId: string, id: string, actor: Actor): Promise<void> {
  const now = deps.clock.now();
  await inTransaction(deps, accountId, async (tx, out) => {
    const bot = await findBot(tx, accountId, id);
    if (!bot) throw notFound('bot');
    await updateBot(tx, { ...bot, deletedAt: now, updatedAt: now });
    await revokeBotKeys(tx, accountId, id, now);
    const account = await accountOf(tx, accountId);
    for (const conversationId of await listConversationIdsWithBot(tx, accountId, id)) {
      const c = await lockConversation(tx, deps.db.dialect, accountId, conversationId);
      if (c) await escalateIn(deps, tx, out, account, c, { reason: 'removed', bot });
    }
    await recordAudit(tx, now, { accountId, ...actor, action: 'bot.deleted', targetType: 'bot', targetId: id, details: { name: bot.name } });
  });
  deps.kickRouting(accountId);
}

// ------------------------------------------------------------------ taking conversations

/** The bot that takes a new conversation of `skillId`, as lifecycle `open` wants it; none without a skill. */
export async function botForSkill(tx: Tx, accountId: string, skillId: string | null): Promise<lifecycle.BotTaking | undefined> {
  if (!skillId) return undefined;
  const bot = (await listLiveBots(tx, accountId)).find((b) => b.skillIds.includes(skillId));
  return bot ? { id: bot.id, name: bot.name, timeoutSec: bot.timeoutSec } : undefined;
}

interface BotTurnPayload {
  botId: string;
  conversationId: string;
  /** Epoch seconds of the message (the body's timestamp). */
  at: number;
  data: { conversationId: string; message: Message; consumer: { id: string; name: string; channel: string; customVariables: Record<string, unknown> } };
}

/**
 * In the transaction of a consumer message: the bot turn that delivers it to the bot that has the
 * conversation (nothing when no bot has it). In order per conversation (key), one at a time.
 */
export async function queueBotTurnIn(deps: Deps, tx: Tx, c: Conversation, message: Message): Promise<void> {
  if (!isWithBot(c) || !c.botId || message.senderType !== 'consumer') return;
  const consumer = await findConsumer(tx, c.accountId, c.consumerId);
  const payload: BotTurnPayload = {
    botId: c.botId,
    conversationId: c.id,
    at: Math.floor(Date.parse(message.createdAt) / 1000),
    data: {
      conversationId: c.id,
      message,
      consumer: { id: c.consumerId, name: consumer?.name ?? 'Visitor', channel: c.channel, customVariables: consumer?.customVariables ?? {} },
    },
  };
  await enqueueJob(deps, tx, {
    id: `msg_${newId()}`,
    accountId: c.accountId,
    kind: 'bot',
    key: `bot:${c.id}`,
    position: message.seq,
    payload: payload as unknown as Record<string, unknown>,
  });
}

/** Sending a bot turn: a signed Standard Webhooks request; any answer but 2xx is a failure, retried briefly (BOT_RETRY). */
export const botTurnJob: JobKindHandler<BotTurnPayload> = {
  policy: BOT_RETRY,
  leaseMs: MAX_REQUEST_MS + 15_000,
  async handle(deps, job) {
    const p = job.payload;
    const c = await findConversation(deps.db.kysely, job.accountId, p.conversationId);
    // The bot no longer has it (it handed over, timed out, the consumer closed): nothing to send.
    if (!c || !isWithBot(c) || c.botId !== p.botId) return { ok: true, result: { skipped: 'not_with_bot' } };
    const bot = await findBot(deps.db.kysely, job.accountId, p.botId);
    if (!bot) return { ok: false, error: 'bot deleted', permanent: true };
    const body = JSON.stringify({ type: 'bot.message', timestamp: new Date(p.at * 1000).toISOString(), data: p.data });
    const ts = Math.floor(deps.clock.now() / 1000);
    const res = await deps.outbound.request({
      url: bot.url,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Parley-Bots/1',
        'webhook-id': job.id,
        'webhook-timestamp': String(ts),
        'webhook-signature': signWebhook([bot.secret], job.id, ts, body),
      },
      body,
      timeoutMs: Math.min(MAX_REQUEST_MS, bot.timeoutSec * 1000),
      maxBodyBytes: 64 * 1024,
    });
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    return { ok: false, status: res.status, error: `HTTP ${res.status}` };
  },
  // The retry budget ran out: the conversation goes to the agents (if the bot still has it).
  async finished(deps, tx, out, job, state) {
    if (state !== 'failed') return;
    const c = await lockConversation(tx, deps.db.dialect, job.accountId, job.payload.conversationId);
    if (!c || !isWithBot(c) || c.botId !== job.payload.botId) return;
    const bot = await findBot(tx, job.accountId, job.payload.botId, { withDeleted: true });
    await escalateIn(deps, tx, out, await accountOf(tx, job.accountId), c, { reason: 'failed', ...(bot && { bot }) });
  },
  settled(deps, job, state) {
    if (state === 'failed') deps.kickRouting(job.accountId);
  },
};

// ------------------------------------------------------------------ escalating

async function accountOf(tx: Tx, id: string): Promise<Account> {
  const a = await findAccount(tx, id);
  if (!a) throw notFound('account');
  return a;
}

/** The note an automatic escalation leaves for the agent: why the bot let go. */
function automaticNote(reason: lifecycle.EscalationReason, bot: { name: string } | undefined, c: Conversation): string | undefined {
  const name = bot?.name ?? 'The bot';
  switch (reason) {
    case 'failed':
      return `${name} could not be reached: handed over automatically.`;
    case 'timeout':
      return `${name} did not answer within ${c.botTimeoutSec ?? 0} s: handed over automatically.`;
    case 'removed':
      return `${name} was removed: handed over automatically.`;
    default:
      return undefined;
  }
}

interface EscalateInput {
  reason: lifecycle.EscalationReason;
  to?: lifecycle.TransferTarget | undefined;
  note?: string | undefined;
  /** The bot that lets go (for the note's author and name). */
  bot?: Pick<BotRecord, 'id' | 'name'> | undefined;
  /** A user who takes it from the bot writes the note as themselves. */
  author?: { id: string; name: string } | undefined;
  firing?: TimerRow | undefined;
  /** Who asked (the bot's key, a manager); the system for an escalation by itself. */
  actor?: Actor | undefined;
}

/**
 * Escalate in the caller's transaction: the transition (refused when no bot has it, or a timeout
 * is not due), then the note — the bot's (or the user's) words, or why it escalated by itself — as
 * an internal note the agent sees with the transcript. Returns the outcome.
 */
export async function escalateIn(deps: Deps, tx: Tx, out: Outbox, account: Account, c: Conversation, i: EscalateInput): Promise<lifecycle.Outcome> {
  const now = deps.clock.now();
  const skillId = i.to && 'skillId' in i.to ? i.to.skillId : c.skillId;
  const s = await settingsFor(tx, account, skillId);
  const t = lifecycle.escalate(c, s, now, { reason: i.reason, to: i.to, unanswered: await countUnanswered(tx, c.accountId, c.id) });
  if (lifecycle.isRefusal(t)) return t;
  await commit(deps, tx, out, c, t, { firing: i.firing });
  await recordAudit(tx, now, {
    accountId: c.accountId,
    ...(i.actor ?? SYSTEM_ACTOR),
    action: 'conversation.escalated',
    targetType: 'conversation',
    targetId: c.id,
    details: { reason: i.reason, botId: c.botId, skillId: t.conversation.skillId, agentId: t.conversation.targetAgentId },
  });
  const text = i.note ?? automaticNote(i.reason, i.bot, c);
  if (text) {
    const author = i.author
      ? { id: i.author.id, name: i.author.name, type: 'user' as const }
      : { id: c.botId ?? 'bot', name: i.bot?.name ?? 'Bot', type: 'bot' as const };
    const note: Note = {
      id: newId(),
      conversationId: c.id,
      authorId: author.id,
      authorName: author.name,
      text,
      mentions: [],
      createdAt: new Date(now).toISOString(),
      ...(author.type === 'bot' && { authorType: 'bot' as const }),
    };
    await insertNote(tx, c.accountId, { id: note.id, conversationId: c.id, authorId: author.id, text, mentions: [], createdAt: now });
    emit(out, [{ type: 'note.created', data: note }], { conversation: t.conversation });
  }
  return t;
}

/**
 * `POST /conversations/{id}/escalate`: the bot that has it hands over (or a user who may act on it
 * takes it from the bot), to a skill (default: the conversation's), or an agent, with a note.
 */
export async function escalateConversation(
  deps: Deps,
  p: UserPrincipal | BotPrincipal,
  id: string,
  input: EscalateRequest,
  actor: Actor,
): Promise<EscalateResult> {
  if (input.skillId && input.agentId) throw invalid('give skillId or agentId, not both', 'agentId');
  const r = await inTransaction(deps, p.accountId, async (tx, out) => {
    const skills = p.kind === 'user' && p.role !== 'manager' ? ((await findUser(tx, p.accountId, p.userId))?.skills ?? []) : [];
    const c = assertCanRead(p, await lockConversation(tx, deps.db.dialect, p.accountId, id), skills);
    if (p.kind === 'user') assertCanAct(p, c);
    const account = await accountOf(tx, p.accountId);
    const to: lifecycle.TransferTarget | undefined = input.skillId
      ? { skillId: input.skillId, found: (await findSkill(tx, p.accountId, input.skillId)) !== undefined }
      : input.agentId
        ? { agent: await findUser(tx, p.accountId, input.agentId) }
        : undefined;
    const bot = c.botId ? await findBot(tx, p.accountId, c.botId, { withDeleted: true }) : undefined;
    const user = p.kind === 'user' ? await findUser(tx, p.accountId, p.userId) : undefined;
    const t = lifecycle.orThrow(
      await escalateIn(deps, tx, out, account, c, {
        reason: p.kind === 'bot' ? 'bot' : 'user',
        to,
        note: input.note,
        bot,
        ...(user && { author: { id: user.id, name: user.displayName } }),
        actor,
      }),
    );
    return { id: c.id, state: t.conversation.state, skillId: t.conversation.skillId };
  });
  deps.kickRouting(p.accountId);
  return r;
}

/** The bot_reply timer: the bot owes an answer past its reply time — the conversation escalates by itself (or the timer re-arms when not due). */
export async function botReplyTimer(deps: Deps, t: TimerRow): Promise<void> {
  await inTransaction(deps, t.accountId, async (tx, out) => {
    const c = await lockConversation(tx, deps.db.dialect, t.accountId, t.subjectId);
    const account = await findAccount(tx, t.accountId);
    if (!c || !account) return;
    const bot = c.botId ? await findBot(tx, t.accountId, c.botId, { withDeleted: true }) : undefined;
    const r = await escalateIn(deps, tx, out, account, c, { reason: 'timeout', ...(bot && { bot }), firing: t });
    if (lifecycle.isRefusal(r) && r.refused === 'not_due') await syncTimers(deps, tx, await settingsFor(tx, account, c.skillId), c, { firing: t });
  });
  deps.kickRouting(t.accountId);
}
