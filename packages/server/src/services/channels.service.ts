import { randomBytes } from 'node:crypto';
import {
  AnyLanguageTag,
  type ChannelTemplate,
  type ChannelType,
  cleanDisplayName,
  MAX_CUSTOM_VARIABLE_VALUE,
  type Message,
  type MessagingChannel,
} from '@parley/contract';
import { type ChannelAdapter, type InboundMessage, type InboundRequest, type ProviderReply, payloadOf } from '../channels/adapter.js';
import { adapterFor } from '../channels/adapters.js';
import { hubChallenge } from '../channels/meta.js';
import { postToProvider } from '../channels/send.js';
import { conflict, DomainError, forbidden, invalid, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { CHANNEL_MEDIA_TYPES, detectFileType } from '../files/detect.js';
import { filePath } from '../files/links.js';
import { safeFileName } from '../files/names.js';
import type { Tx } from '../storage/db.js';
import { findAccount } from '../storage/repos/accounts.repo.js';
import {
  type ChannelRecord,
  findChannel,
  findChannelById,
  hasChannelEvent,
  insertChannel,
  listChannels,
  lockChannel,
  recordChannelEvent,
  saveChannel,
} from '../storage/repos/channels.repo.js';
import { type ConsumerRecord, findConsumerByExternalId, insertConsumer, setConsumerLanguage, updateConsumer } from '../storage/repos/consumers.repo.js';
import { findConversation, findLatestConversationOfConsumer, findOpenConversationOfConsumer, lockConversation } from '../storage/repos/conversations.repo.js';
import { deleteFileRow, insertFile } from '../storage/repos/files.repo.js';
import { findOpenQuickReplies } from '../storage/repos/messages.repo.js';
import { findSkill } from '../storage/repos/skills.repo.js';
import { type ChannelTemplateRecord, deleteTemplate, insertTemplate, listTemplates } from '../storage/repos/templates.repo.js';
import { findUser } from '../storage/repos/users.repo.js';
import { assertCanRead } from './access.js';
import { type Actor, changes, recordAudit, SYSTEM_ACTOR } from './audit.service.js';
import { closedHoursReplyIn } from './business-hours.service.js';
import { replyToChannelSurveyIn } from './channel-surveys.service.js';
import { type Deps, inTransaction, type Outbox } from './context.js';
import { openConversationIn, sendMessageIn } from './conversations.service.js';
import { applyReceipt } from './outbound.service.js';
import { assertOutboundUrls } from './outbound-urls.service.js';
import type { ConsumerPrincipal, UserPrincipal } from './principal.js';

const MASK = '********';

export const newChannelSecret = (): string => randomBytes(32).toString('base64url');

export function inboundPath(channelId: string): string {
  return `/api/v1/channels/${encodeURIComponent(channelId)}/inbound`;
}

/** A channel as managers see it: never the secret, secret credentials masked. */
export function toChannelView(c: ChannelRecord, baseUrl: string): MessagingChannel {
  const keys = adapterFor(c.type).credentialKeys;
  const credentials = Object.fromEntries(Object.entries(c.credentials).map(([k, v]) => [k, keys.find((x) => x.key === k)?.secret ? MASK : v]));
  return {
    id: c.id,
    type: c.type,
    name: c.name,
    skillId: c.skillId,
    inboundUrl: `${baseUrl}${inboundPath(c.id)}`,
    outboundUrl: c.outboundUrl,
    providerBaseUrl: c.providerBaseUrl,
    credentials,
    createdAt: new Date(c.createdAt).toISOString(),
  };
}

/**
 * What the audit log keeps of a channel: its settings and its non-secret credentials (phone
 * number, page id…); a secret credential shows only as `[set]` (`updateChannel` lists the secret
 * ones it replaced by name).
 */
function channelAuditView(c: ChannelRecord): Record<string, unknown> {
  const keys = adapterFor(c.type).credentialKeys;
  const fields = Object.fromEntries(Object.entries(c.credentials).map(([k, v]) => [k, keys.find((x) => x.key === k)?.secret ? '[set]' : v]));
  return { type: c.type, name: c.name, skillId: c.skillId, outboundUrl: c.outboundUrl, providerBaseUrl: c.providerBaseUrl, fields };
}

/** The names of the secret credentials whose value differs between two versions of a channel. */
function replacedSecrets(before: ChannelRecord, after: ChannelRecord): string[] {
  const keys = adapterFor(after.type).credentialKeys;
  return keys
    .filter(
      (k) =>
        k.secret && after.credentials[k.key] !== undefined && before.credentials[k.key] !== undefined && after.credentials[k.key] !== before.credentials[k.key],
    )
    .map((k) => k.key);
}

export interface ChannelInput {
  name?: string | undefined;
  skillId?: string | undefined;
  outboundUrl?: string | null | undefined;
  providerBaseUrl?: string | null | undefined;
  /** `null` (update only) removes a stored key. */
  credentials?: Record<string, string | null> | undefined;
}

/** Check the input against the channel type; returns the credentials to store, the keys to remove and the secret they carry, if any. */
function checkInput(type: ChannelType, input: ChannelInput): { credentials: Record<string, string>; removed: string[]; secret: string | undefined } {
  const adapter = adapterFor(type);
  if (input.outboundUrl && type !== 'webhook') throw invalid('outboundUrl is for webhook channels (provider channels use providerBaseUrl)', 'outboundUrl');
  if (input.providerBaseUrl && type === 'webhook')
    throw invalid('providerBaseUrl is for provider channels (SMS, Messenger, WhatsApp, Instagram, Telegram); webhook uses outboundUrl', 'providerBaseUrl');
  const credentials: Record<string, string> = {};
  const removed: string[] = [];
  let secret: string | undefined;
  for (const [k, v] of Object.entries(input.credentials ?? {})) {
    if (!adapter.credentialKeys.some((x) => x.key === k)) {
      const allowed = adapter.credentialKeys.map((x) => x.key).join(', ') || 'none';
      throw invalid(`credentials.${k}: not a ${type} credential (allowed: ${allowed})`, `credentials.${k}`);
    }
    if (v === null) {
      // The provider signs with it: a channel always has one. Rotating the secret replaces it.
      if (k === adapter.secretCredential) throw invalid(`${k} is the channel secret: it cannot be removed (rotate the secret)`, `credentials.${k}`);
      removed.push(k);
    } else if (k === adapter.secretCredential) secret = v;
    else credentials[k] = v;
  }
  if (secret !== undefined && secret.length < 16) throw invalid('the secret must have at least 16 characters', `credentials.${adapter.secretCredential}`);
  return { credentials, removed, secret };
}

/** The URLs deliveries will call must not point at refused addresses (checked before the transaction: it may wait for DNS). */
const assertChannelUrls = (deps: Deps, input: ChannelInput) =>
  assertOutboundUrls(deps, [
    { path: 'outboundUrl', url: input.outboundUrl },
    { path: 'providerBaseUrl', url: input.providerBaseUrl },
  ]);

async function assertSkill(tx: Tx, accountId: string, skillId: string): Promise<void> {
  if (!(await findSkill(tx, accountId, skillId))) throw invalid('unknown skill', 'skillId');
}

export async function createChannel(
  deps: Deps,
  accountId: string,
  input: ChannelInput & { type: ChannelType; name: string; skillId: string },
  baseUrl: string,
  actor: Actor = SYSTEM_ACTOR,
): Promise<MessagingChannel & { secret: string }> {
  const { credentials, secret } = checkInput(input.type, input);
  await assertChannelUrls(deps, input);
  const now = deps.clock.now();
  const c: ChannelRecord = {
    id: newId(),
    accountId,
    type: input.type,
    name: input.name,
    skillId: input.skillId,
    secret: secret ?? newChannelSecret(),
    outboundUrl: input.outboundUrl ?? null,
    providerBaseUrl: input.providerBaseUrl ?? null,
    credentials,
    address: null,
    createdAt: now,
    updatedAt: now,
  };
  await deps.db.transaction(async (tx) => {
    await assertSkill(tx, accountId, input.skillId);
    await insertChannel(tx, c);
    await recordAudit(tx, now, { accountId, ...actor, action: 'channel.created', targetType: 'channel', targetId: c.id, details: channelAuditView(c) });
  });
  return { ...toChannelView(c, baseUrl), secret: c.secret };
}

/** The account's channels, oldest first; `page` reads up to `limit` after the position `[createdAt, id]`. */
export async function listAccountChannels(
  deps: Deps,
  accountId: string,
  baseUrl: string,
  page?: { after?: readonly [number, string] | undefined; limit: number },
): Promise<MessagingChannel[]> {
  return (await listChannels(deps.db.kysely, accountId, page)).map((c) => toChannelView(c, baseUrl));
}

export async function getChannel(deps: Deps, accountId: string, id: string, baseUrl: string): Promise<MessagingChannel> {
  const c = await findChannel(deps.db.kysely, accountId, id);
  if (!c) throw notFound('channel');
  return toChannelView(c, baseUrl);
}

/** Change a channel; given credentials are merged over the stored ones (a secret-bearing one replaces the secret, `null` removes a key). */
export async function updateChannel(
  deps: Deps,
  accountId: string,
  id: string,
  input: ChannelInput,
  baseUrl: string,
  actor: Actor = SYSTEM_ACTOR,
): Promise<MessagingChannel> {
  await assertChannelUrls(deps, input);
  return deps.db.transaction(async (tx) => {
    const c = await findChannel(tx, accountId, id);
    if (!c) throw notFound('channel');
    const { credentials, removed, secret } = checkInput(c.type, input);
    if (input.skillId !== undefined) await assertSkill(tx, accountId, input.skillId);
    const merged = Object.fromEntries(Object.entries({ ...c.credentials, ...credentials }).filter(([k]) => !removed.includes(k)));
    const next: ChannelRecord = {
      ...c,
      name: input.name ?? c.name,
      skillId: input.skillId ?? c.skillId,
      outboundUrl: input.outboundUrl === undefined ? c.outboundUrl : input.outboundUrl,
      providerBaseUrl: input.providerBaseUrl === undefined ? c.providerBaseUrl : input.providerBaseUrl,
      credentials: merged,
      secret: secret ?? c.secret,
      updatedAt: deps.clock.now(),
    };
    await saveChannel(tx, next);
    const details: Record<string, unknown> = changes(channelAuditView(c), channelAuditView(next));
    const replaced = replacedSecrets(c, next);
    const signing = adapterFor(c.type).secretCredential;
    if (secret !== undefined && secret !== c.secret && signing) replaced.push(signing);
    if (replaced.length) details.replaced = replaced;
    await recordAudit(tx, next.updatedAt, { accountId, ...actor, action: 'channel.updated', targetType: 'channel', targetId: id, details });
    return toChannelView(next, baseUrl);
  });
}

/** A new secret (random, or the given one, e.g. a rotated Twilio auth token): shown once, in this answer. */
export async function rotateChannelSecret(
  deps: Deps,
  accountId: string,
  id: string,
  input: { secret?: string | undefined },
  baseUrl: string,
  actor: Actor = SYSTEM_ACTOR,
): Promise<MessagingChannel & { secret: string }> {
  return deps.db.transaction(async (tx) => {
    const c = await findChannel(tx, accountId, id);
    if (!c) throw notFound('channel');
    const next = { ...c, secret: input.secret ?? newChannelSecret(), updatedAt: deps.clock.now() };
    await saveChannel(tx, next);
    await recordAudit(tx, next.updatedAt, {
      accountId,
      ...actor,
      action: 'channel.secret_rotated',
      targetType: 'channel',
      targetId: id,
      details: { name: c.name },
    });
    return { ...toChannelView(next, baseUrl), secret: next.secret };
  });
}

// ---------------------------------------------------------------- inbound

/** Meta's `hub.challenge` check on `GET …/inbound` (Messenger, Instagram and WhatsApp channels): the challenge, or 403. */
export async function answerChallenge(deps: Deps, channelId: string, query: Record<string, unknown>): Promise<string> {
  const c = await findChannelById(deps.db.kysely, channelId);
  const adapter = c ? adapterFor(c.type) : undefined;
  if (!c || !adapter?.verifyToken) throw notFound('channel');
  const challenge = hubChallenge(adapter.verifyToken(c), query);
  if (challenge === null) throw forbidden('verify token mismatch');
  return challenge;
}

/** The provider's profile name (one clean line: cleanDisplayName), else one made from the address. */
const profileName = (m: InboundMessage): string | undefined => (m.name ? cleanDisplayName(m.name).slice(0, 120).trim() || undefined : undefined);

const defaultName = (adapter: ChannelAdapter, m: InboundMessage): string =>
  profileName(m) ?? (cleanDisplayName(adapter.defaultName(m.from)).slice(0, 120).trim() || 'Visitor');

/** Channels whose provider names the consumer on every message (the webhook's `name`, WhatsApp's and Telegram's profile names): a changed name is taken. */
const NAMED_BY_PROVIDER: readonly ChannelType[] = ['webhook', 'whatsapp', 'telegram'];

/** Find the consumer behind a provider address on this channel, or make one. */
async function consumerFor(deps: Deps, tx: Tx, channel: ChannelRecord, m: InboundMessage): Promise<ConsumerRecord> {
  const consumer = await findOrMakeConsumer(deps, tx, channel, m);
  // The provider's word for the consumer's language (Telegram): a malformed tag is ignored, not refused.
  if (m.language && AnyLanguageTag.safeParse(m.language).success) await setConsumerLanguage(tx, channel.accountId, consumer.id, m.language);
  return consumer;
}

async function findOrMakeConsumer(deps: Deps, tx: Tx, channel: ChannelRecord, m: InboundMessage): Promise<ConsumerRecord> {
  // The address becomes a custom variable, so it keeps to their limit (API.md: values ≤ 1,000 characters).
  if (m.from.length > MAX_CUSTOM_VARIABLE_VALUE) throw invalid(`the sender address is longer than ${MAX_CUSTOM_VARIABLE_VALUE} characters`, 'body.from');
  const found = await findConsumerByExternalId(tx, channel.accountId, channel.type, channel.id, m.from);
  if (found) {
    const name = profileName(m);
    if (name && name !== found.name && NAMED_BY_PROVIDER.includes(channel.type)) {
      const renamed = { ...found, name };
      await updateConsumer(tx, renamed);
      return renamed;
    }
    return found;
  }
  const consumer: ConsumerRecord = {
    id: newId(),
    accountId: channel.accountId,
    channel: channel.type,
    channelId: channel.id,
    externalId: m.from,
    name: defaultName(adapterFor(channel.type), m),
    customVariables: { [adapterFor(channel.type).addressVariable]: m.from },
    lastAgentId: null,
    createdAt: deps.clock.now(),
  };
  await insertConsumer(tx, consumer);
  return consumer;
}

/** With no open conversation, a reply to the last one's pending survey is an answer (see channel-surveys.service.ts). */
async function surveyReplyIn(deps: Deps, tx: Tx, out: Outbox, accountId: string, consumerId: string, m: InboundMessage): Promise<string | null> {
  if (await findOpenConversationOfConsumer(tx, accountId, consumerId)) return null;
  const latest = await findLatestConversationOfConsumer(tx, accountId, consumerId);
  if (latest?.state !== 'closed') return null;
  const last = await lockConversation(tx, deps.db.dialect, accountId, latest.id);
  const account = await findAccount(tx, accountId);
  if (!last || !account) return null;
  return replyToChannelSurveyIn(deps, tx, out, account, last, m.text, m.eventId);
}

/** Media fetched from the provider and stored, waiting for its conversation (the row is written in the message's transaction). */
interface FetchedFile {
  id: string;
  name: string;
  contentType: string;
  size: number;
  storageKey: string;
}

/** Bytes larger than this are not fetched from a provider (the upload limit, as for files sent through the API). */
const mediaLimit = (deps: Deps) => deps.files?.maxUploadBytes ?? 25 * 1024 * 1024;

/**
 * Fetch a consumer's media from the provider through the guarded outbound client (the lookup,
 * then the download it points at, with the channel's token), check it by its content as uploads
 * are checked, and store the bytes. Returns the file, or the line the message says instead.
 */
async function fetchMedia(deps: Deps, channel: ChannelRecord, m: InboundMessage): Promise<FetchedFile | { note: string }> {
  const adapter = adapterFor(channel.type);
  const media = m.media;
  if (!media || !adapter.media || !deps.files) return { note: `[${media?.kind ?? 'file'}]` };
  const unavailable = (why: string) => {
    deps.log.warn({ channelId: channel.id, eventId: m.eventId, why }, "could not fetch a consumer's media from the provider");
    return { note: `[${media.kind} not received: ${why}]` };
  };
  const get = async (req: { url: string; headers: Record<string, string> }) =>
    deps.outbound.request({ url: req.url, method: 'GET', headers: req.headers, timeoutMs: 30_000, maxBodyBytes: mediaLimit(deps), maxRedirects: 3 });
  let data: Buffer;
  try {
    const located = adapter.media.locate(channel, media.ref);
    if ('error' in located) return unavailable(located.error);
    let res = await get(located);
    if (res.status < 200 || res.status >= 300) return unavailable(`the provider answered HTTP ${res.status}`);
    if (adapter.media.download) {
      const download = adapter.media.download(channel, res.body);
      if ('error' in download) return unavailable(download.error);
      res = await get(download);
      if (res.status < 200 || res.status >= 300) return unavailable(`the provider answered HTTP ${res.status}`);
    }
    data = res.body;
  } catch (err) {
    return unavailable((err as Error).message);
  }
  const type = await detectFileType(data);
  if (!type || !CHANNEL_MEDIA_TYPES.includes(type)) return { note: `[${media.kind} not accepted: this file type is not kept]` };
  const id = newId();
  const file: FetchedFile = {
    id,
    name: safeFileName(media.name ?? media.kind, type),
    contentType: type,
    size: data.length,
    storageKey: `${channel.accountId.replace(/[^A-Za-z0-9_-]/g, '_')}/${id}`,
  };
  await deps.files.store.put(file.storageKey, data);
  return file;
}

/** SMS and other channels without buttons: a bare "1", "2"… answers the quick replies the agent's last message offered. */
async function numberedAnswer(tx: Tx, accountId: string, conversationId: string, text: string): Promise<{ payload: string } | undefined> {
  const n = /^\s*(\d{1,2})\s*\.?\s*$/.exec(text);
  if (!n) return undefined;
  const offered = await findOpenQuickReplies(tx, accountId, conversationId);
  const q = offered?.quickReplies?.[Number(n[1]) - 1];
  return q ? { payload: payloadOf(q) } : undefined;
}

/**
 * Store one inbound provider event, in one transaction: the event id (a repeat stops here), the
 * consumer (found or made), then either an answer to the last conversation's pending survey, or the
 * message in the consumer's open conversation (or a new one in the channel's skill: a consumer
 * writing after a close starts a new conversation). The message goes through the same path as
 * every consumer message (sendMessageIn), with its fetched file, if any.
 */
async function storeInbound(
  deps: Deps,
  verified: ChannelRecord,
  m: InboundMessage,
  fetched: FetchedFile | undefined,
): Promise<{ messageId: string | null; created: boolean; fileUsed: boolean }> {
  return inTransaction(deps, verified.accountId, async (tx, out) => {
    const channel = await lockChannel(tx, deps.db.dialect, verified.id);
    if (!channel) throw notFound('channel');
    const now = deps.clock.now();
    if (!(await recordChannelEvent(tx, { channelId: channel.id, eventId: m.eventId, accountId: channel.accountId, at: now }))) {
      return { messageId: null, created: false, fileUsed: false };
    }
    if (m.to && m.to !== channel.address && channel.type !== 'webhook') await saveChannel(tx, { ...channel, address: m.to, updatedAt: now });
    const consumer = await consumerFor(deps, tx, channel, m);
    const surveyReply = m.text ? await surveyReplyIn(deps, tx, out, channel.accountId, consumer.id, m) : null;
    if (surveyReply) return { messageId: surveyReply, created: false, fileUsed: false };
    const p: ConsumerPrincipal = { kind: 'consumer', accountId: channel.accountId, consumerId: consumer.id };
    const skillId = channel.skillId && (await findSkill(tx, channel.accountId, channel.skillId)) ? channel.skillId : undefined;
    const open = await openConversationIn(deps, tx, out, p, { skillId });
    let file: Message['file'] = null;
    if (fetched) {
      await insertFile(tx, {
        ...fetched,
        accountId: channel.accountId,
        conversationId: open.conversation.id,
        uploadedBy: { kind: 'consumer', id: consumer.id },
        createdAt: now,
      });
      file = { id: fetched.id, name: fetched.name, contentType: fetched.contentType, size: fetched.size, url: filePath(fetched.id) };
    }
    const quickReply =
      m.quickReply ??
      (adapterFor(channel.type).numberedQuickReplies && !open.created ? await numberedAnswer(tx, channel.accountId, open.conversation.id, m.text) : undefined);
    const sent = await sendMessageIn(deps, tx, out, p, open.conversation.id, {
      text: m.text || null,
      file,
      clientMessageId: m.eventId,
      ...(quickReply && { quickReply }),
    });
    if (sent.created) await closedHoursReplyIn(deps, tx, out, channel.accountId, open.conversation.id);
    return { messageId: sent.message.id, created: open.created, fileUsed: file !== null };
  });
}

/**
 * A provider called `POST /api/v1/channels/{id}/inbound`. The signature is checked against the raw
 * body before anything is read (bad or missing → 401, nothing stored); then each message in the
 * payload is stored once (its media fetched first, outside the transaction), each receipt moves
 * its message on. Returns what the provider expects as the answer.
 */
export async function receiveInbound(deps: Deps, channelId: string, req: InboundRequest): Promise<ProviderReply> {
  const channel = await findChannelById(deps.db.kysely, channelId);
  if (!channel) throw notFound('channel');
  const adapter = adapterFor(channel.type);
  if (!adapter.verify(channel, req)) throw new DomainError('unauthorized', 'bad or missing signature');
  const messages = adapter.parse(req);
  const receipts = adapter.receipts?.(req) ?? [];
  const messageIds: string[] = [];
  let duplicates = 0;
  for (const m of messages) {
    // A repeat is not fetched again (storeInbound decides for good, under the channel lock).
    if (await hasChannelEvent(deps.db.kysely, channel.id, m.eventId)) {
      duplicates++;
      continue;
    }
    let fetched: FetchedFile | undefined;
    let inbound = m;
    if (m.media) {
      const got = await fetchMedia(deps, channel, m);
      if ('note' in got) inbound = { ...m, text: [m.text, got.note].filter(Boolean).join('\n') };
      else fetched = got;
    }
    let r: { messageId: string | null; created: boolean; fileUsed: boolean };
    try {
      r = await storeInbound(deps, channel, inbound, fetched);
    } catch (err) {
      if (fetched) await discardFetched(deps, fetched);
      throw err;
    }
    if (fetched && !r.fileUsed) await discardFetched(deps, fetched);
    if (r.messageId) messageIds.push(r.messageId);
    else duplicates++;
    if (r.created) deps.kickRouting(channel.accountId);
    if (m.ackRef && adapter.acknowledge) {
      const ack = await postToProvider(deps.outbound, adapter.acknowledge(channel, m.ackRef), undefined, adapter);
      if (!ack.ok) deps.log.warn({ channelId: channel.id, error: ack.error }, 'could not acknowledge an inbound event');
    }
  }
  for (const receipt of receipts) await applyReceipt(deps, channel, receipt);
  return adapter.reply({ messageIds, duplicates });
}

async function discardFetched(deps: Deps, f: FetchedFile): Promise<void> {
  await deps.db.transaction((tx) => deleteFileRow(tx, f.id)).catch(() => undefined);
  await deps.files?.store.delete(f.storageKey).catch((err) => deps.log.warn({ err, fileId: f.id }, 'could not remove a stored file'));
}

// ---------------------------------------------------------------- WhatsApp templates

const toTemplateView = (t: ChannelTemplateRecord): ChannelTemplate => ({
  id: t.id,
  channelId: t.channelId,
  name: t.name,
  language: t.language,
  params: t.params,
  createdAt: new Date(t.createdAt).toISOString(),
});

async function whatsappChannel(deps: Deps, accountId: string, channelId: string): Promise<ChannelRecord> {
  const c = await findChannel(deps.db.kysely, accountId, channelId);
  if (!c) throw notFound('channel');
  if (c.type !== 'whatsapp') throw invalid('templates are for WhatsApp channels', 'id');
  return c;
}

/** A WhatsApp channel's approved templates, by name then language (agents read them for the composer). */
export async function listChannelTemplates(
  deps: Deps,
  accountId: string,
  channelId: string,
  page?: { after?: readonly [string, string] | undefined; limit: number },
): Promise<ChannelTemplate[]> {
  const c = await whatsappChannel(deps, accountId, channelId);
  return (await listTemplates(deps.db.kysely, accountId, c.id, page)).map(toTemplateView);
}

/** Add a template the WhatsApp Manager approved (same name and language twice → 409); audit-logged as a change of the channel. */
export async function createChannelTemplate(
  deps: Deps,
  accountId: string,
  channelId: string,
  input: { name: string; language: string; params: number },
  actor: Actor,
): Promise<ChannelTemplate> {
  const c = await whatsappChannel(deps, accountId, channelId);
  const now = deps.clock.now();
  const t: ChannelTemplateRecord = {
    id: newId(),
    accountId,
    channelId: c.id,
    name: input.name,
    language: input.language,
    params: input.params,
    createdAt: now,
  };
  const added = await deps.db.transaction(async (tx) => {
    if (!(await insertTemplate(tx, t))) return false;
    await recordAudit(tx, now, {
      accountId,
      ...actor,
      action: 'channel.updated',
      targetType: 'channel',
      targetId: c.id,
      details: { templateAdded: { id: t.id, name: t.name, language: t.language, params: t.params } },
    });
    return true;
  });
  if (!added) throw conflict(`the channel already has the template ${input.name} (${input.language})`);
  return toTemplateView(t);
}

/** The templates the composer may offer in a conversation: its WhatsApp channel's (none for other channels). */
export async function conversationTemplates(
  deps: Deps,
  p: UserPrincipal,
  conversationId: string,
  page: { after?: readonly [string, string] | undefined; limit: number },
): Promise<ChannelTemplate[]> {
  const skills = p.role === 'manager' ? [] : ((await findUser(deps.db.kysely, p.accountId, p.userId))?.skills ?? []);
  const c = assertCanRead(p, await findConversation(deps.db.kysely, p.accountId, conversationId), skills);
  if (c.channel !== 'whatsapp' || !c.channelId) return [];
  return (await listTemplates(deps.db.kysely, p.accountId, c.channelId, page)).map(toTemplateView);
}

export async function removeChannelTemplate(deps: Deps, accountId: string, channelId: string, templateId: string, actor: Actor): Promise<void> {
  const c = await whatsappChannel(deps, accountId, channelId);
  const removed = await deps.db.transaction(async (tx) => {
    if (!(await deleteTemplate(tx, accountId, c.id, templateId))) return false;
    await recordAudit(tx, deps.clock.now(), {
      accountId,
      ...actor,
      action: 'channel.updated',
      targetType: 'channel',
      targetId: c.id,
      details: { templateRemoved: templateId },
    });
    return true;
  });
  if (!removed) throw notFound('template');
}
