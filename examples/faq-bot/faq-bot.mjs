#!/usr/bin/env node
/**
 * A small FAQ bot for Parley (API.md "Bots"), with nothing but Node 20.
 *
 *   node examples/faq-bot/faq-bot.mjs --password <the demo manager's password>
 *
 * It signs in as the manager once, registers itself as a bot for a skill (Support by default,
 * replacing an earlier "FAQ bot"), and listens for the signed `bot.message` deliveries. Each
 * consumer message is answered with the best-matching predefined content of the account (read with
 * the bot's own key); "agent" or "human" — or a second question it cannot answer — hands the
 * conversation over to the agents with a note. See README.md here and docs/automation.md.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** Words that ask for a person. */
const HAND_OVER = /\b(agent|human|person|someone real|representative|operator)\b/i;
/** Words too common to say what a question is about. */
const STOP = new Set(
  'a an and are as at be can could do does for from have how i if in is it its me my of on or our please so that the this to was we what when where which who why will with would you your hi hello hey thanks thank'.split(
    ' ',
  ),
);

/** Lower-case words of a text, without the common ones, each reduced to a rough stem. */
export function words(text) {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .match(/\p{L}[\p{L}\p{N}']*/gu) ?? []
  )
    .filter((w) => !STOP.has(w) && w.length > 1)
    .map((w) => w.replace(/(ing|ed|es|s)$/, '') || w);
}

/**
 * The predefined content item that answers `question` best, or undefined: the share of the
 * question's words found in the item (title words count double), at least `minScore`.
 */
export function bestAnswer(items, question, minScore = 0.3) {
  const asked = [...new Set(words(question))];
  if (!asked.length) return undefined;
  let best;
  for (const item of items) {
    const title = new Set(words(item.title));
    const body = new Set(words(item.text));
    let hits = 0;
    for (const w of asked) hits += title.has(w) ? 2 : body.has(w) ? 1 : 0;
    const score = hits / (2 * asked.length);
    if (score >= minScore && (!best || score > best.score)) best = { item, score };
  }
  return best?.item;
}

/** Standard Webhooks: `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` keyed with the secret's base64 part; 5 minutes' tolerance. */
export function verifyDelivery(secret, headers, body, nowSec = Math.floor(Date.now() / 1000)) {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sigs = String(headers['webhook-signature'] ?? '').split(' ');
  if (!id || !ts || Math.abs(nowSec - Number(ts)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const want = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest();
  return sigs.some((s) => {
    const got = Buffer.from(s.replace(/^v1,/, ''), 'base64');
    return got.length === want.length && timingSafeEqual(got, want);
  });
}

/** A tiny client of the Parley API: JSON in and out, problems thrown with their detail. */
export function parley(baseUrl, token) {
  return async (method, path, body) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(token && { authorization: `Bearer ${token}` }), ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : null;
    if (!res.ok) {
      const err = new Error(`${method} ${path}: ${res.status} ${json?.detail ?? text}`);
      err.status = res.status;
      err.code = json?.code;
      throw err;
    }
    return json;
  };
}

/**
 * The bot's logic, given its key and secret: `handle(headers, body)` for each delivery. It
 * answers from the account's predefined content (read with its key, refreshed every minute) and
 * hands over on "agent"/"human" or after two questions in a row it could not answer.
 */
export function createFaqBot({ url, key, secret, refreshMs = 60_000, log = () => {} }) {
  const api = parley(url, key);
  let content = [];
  let loadedAt = 0;
  const misses = new Map();
  const seen = new Set();

  async function loadContent() {
    if (Date.now() - loadedAt < refreshMs && content.length) return content;
    const items = [];
    let cursor = null;
    do {
      const page = await api('GET', `/api/v1/content?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    content = items;
    loadedAt = Date.now();
    return content;
  }

  const say = (conversationId, text, n) => api('POST', `/api/v1/conversations/${conversationId}/messages`, { text, clientMessageId: `faq-${n}` });
  const handOver = (conversationId, note) => api('POST', `/api/v1/conversations/${conversationId}/escalate`, { note });

  /** One consumer message: an answer, or the hand-over. */
  async function answer(conversationId, message, consumer) {
    const text = message.text ?? '';
    if (HAND_OVER.test(text)) {
      await say(conversationId, 'Of course — I am passing you to one of our team. They will be with you shortly.', `${message.id}-bye`);
      await handOver(conversationId, `${consumer.name} asked for a person: "${text.slice(0, 300)}"`);
      misses.delete(conversationId);
      return 'escalated';
    }
    // Only greetings and small words: greet back, it is not a question missed.
    if (!words(text).length) {
      await say(conversationId, `Hi ${consumer.name}! Ask me a question, or type "agent" to talk to a person.`, message.id);
      return 'greeted';
    }
    const found = bestAnswer(await loadContent(), text);
    if (found) {
      misses.delete(conversationId);
      await say(conversationId, `${found.text}\n\n(Type "agent" to talk to a person.)`, message.id);
      return 'answered';
    }
    const missed = (misses.get(conversationId) ?? 0) + 1;
    misses.set(conversationId, missed);
    if (missed >= 2) {
      await handOver(conversationId, `The FAQ bot found no answer to: "${text.slice(0, 300)}"`);
      misses.delete(conversationId);
      return 'escalated';
    }
    await say(conversationId, 'Sorry, I do not know that one. Could you put it another way? Or type "agent" to talk to a person.', message.id);
    return 'unsure';
  }

  return {
    /** A delivery: 401 unless signed with the secret; 204 at once (the answer follows through the API). */
    handle(headers, body) {
      if (!verifyDelivery(secret, headers, body)) return { status: 401 };
      const id = String(headers['webhook-id']);
      if (seen.has(id)) return { status: 204 }; // at least once: a repeat is answered once
      if (seen.size > 10_000) seen.clear();
      seen.add(id);
      const event = JSON.parse(body);
      if (event.type !== 'bot.message') return { status: 204 };
      const { conversationId, message, consumer } = event.data;
      const done = answer(conversationId, message, consumer).then(
        (outcome) => log(`${conversationId}: ${outcome}`),
        (err) => log(`${conversationId}: ${err.message}`),
      );
      return { status: 204, done };
    },
  };
}

/** An HTTP server around the bot's `handle`. */
export function listen(bot, port, host = '127.0.0.1') {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const r = req.method === 'POST' ? bot.handle(req.headers, body) : { status: 405 };
      res.statusCode = r.status;
      res.end();
    });
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

/**
 * Sign in, register (replacing an earlier bot of this name), listen. Returns what runs, so a test
 * can stop it.
 */
export async function start(o) {
  const log = o.log ?? ((s) => console.log(`[faq-bot] ${s}`));
  const login = await parley(o.url)('POST', '/api/v1/auth/login', { accountId: o.account, username: o.username, password: o.password });
  const manager = parley(o.url, login.token);
  const skills = (await manager('GET', '/api/v1/skills?limit=200')).items;
  const skill = skills.find((s) => s.name.toLowerCase() === o.skill.toLowerCase() || s.id === o.skill);
  if (!skill) throw new Error(`no skill "${o.skill}" in account ${o.account} (there are: ${skills.map((s) => s.name).join(', ')})`);
  // Port first: the bot's URL names it.
  let bot = { handle: () => ({ status: 503 }) };
  const server = await listen({ handle: (h, b) => bot.handle(h, b) }, o.port, o.host);
  const port = server.address().port;
  for (const old of (await manager('GET', '/api/v1/bots?limit=200')).items) {
    if (old.name === o.name) await manager('DELETE', `/api/v1/bots/${old.id}`);
  }
  const hookUrl = `http://${o.publicHost ?? o.host}:${port}/parley`;
  let created;
  try {
    created = await manager('POST', '/api/v1/bots', { name: o.name, url: hookUrl, skillIds: [skill.id], timeoutSec: o.timeoutSec });
  } catch (err) {
    server.close();
    if (err.code === 'outbound_address_refused')
      throw new Error(`Parley refuses to call ${hookUrl}: start it with PARLEY_OUTBOUND_ALLOW=${o.publicHost ?? o.host} (docs/outbound.md)`);
    throw err;
  }
  bot = createFaqBot({ url: o.url, key: created.key, secret: created.secret, log });
  await manager('POST', '/api/v1/auth/logout');
  log(`"${o.name}" answers new conversations of ${skill.name} (bot ${created.id}), listening on ${hookUrl}`);
  log(`try it: ${o.url}/demo?skill=${encodeURIComponent(skill.id)} — ask "How do I return an item?", then type "agent"`);
  return { server, botId: created.id, skillId: skill.id, close: () => new Promise((r) => server.close(() => r())) };
}

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: process.env.PARLEY_URL ?? 'http://127.0.0.1:8080' },
      account: { type: 'string', default: process.env.PARLEY_ACCOUNT ?? 'demo' },
      username: { type: 'string', default: process.env.PARLEY_USERNAME ?? 'manager' },
      password: { type: 'string', default: process.env.PARLEY_PASSWORD },
      skill: { type: 'string', default: 'Support' },
      name: { type: 'string', default: 'FAQ bot' },
      port: { type: 'string', default: '8090' },
      host: { type: 'string', default: '127.0.0.1' },
      'public-host': { type: 'string' },
      'timeout-sec': { type: 'string', default: '30' },
    },
  });
  if (!values.password) {
    console.error('usage: node examples/faq-bot/faq-bot.mjs --password <manager password> [--url http://127.0.0.1:8080] [--skill Support] [--port 8090]');
    process.exit(2);
  }
  const running = await start({
    url: values.url.replace(/\/+$/, ''),
    account: values.account,
    username: values.username,
    password: values.password,
    skill: values.skill,
    name: values.name,
    port: Number(values.port),
    host: values.host,
    publicHost: values['public-host'],
    timeoutSec: Number(values['timeout-sec']),
  });
  const stop = () => void running.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    console.error(`[faq-bot] ${err.message}`);
    process.exit(1);
  });
}
