import { randomUUID } from 'node:crypto';

const FIRST = ['Ana', 'Ben', 'Chloé', 'Dev', 'Emma', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Kemi', 'Liam', 'Mia', 'Noah', 'Olga', 'Priya'];
const LINES = [
  'Hi, I have a question about my order',
  'Is this available in blue?',
  'My invoice looks wrong',
  'How do I reset my password?',
  'Can I change my delivery address?',
  'Thanks, that helps!',
  'Are you still there?',
  'What are your opening hours?',
];

interface DemoOptions {
  url: string;
  accountId: string;
  /** Consumer messages per second, across all simulated consumers. */
  rate: number;
  durationSec?: number | undefined;
}

interface SimConsumer {
  token: string;
  conversationId: string;
  sent: number;
}

async function call<T>(url: string, init: RequestInit & { token?: string }): Promise<T> {
  const res = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.token && { authorization: `Bearer ${init.token}` }) },
  });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;

/** Simulated consumers writing to an account of a running server, until the duration ends or Ctrl-C. */
export async function runDemo(o: DemoOptions): Promise<void> {
  const base = o.url.replace(/\/$/, '');
  const { items: skills } = await call<{ items: { id: string; name: string }[] }>(
    `${base}/api/v1/consumer/skills?accountId=${encodeURIComponent(o.accountId)}`,
    {},
  ).catch((err: Error) => {
    // fetch rejects with a TypeError when nothing answers; an HTTP error status keeps its own message.
    if (err instanceof TypeError) throw new Error(`cannot reach Parley at ${base} (${err.message}): is it running there? Give its URL with --url (or PORT).`);
    throw err;
  });
  process.stdout.write(
    `demo: writing ${o.rate} message(s)/s to account ${o.accountId} at ${base} (skills: ${skills.map((s) => s.name).join(', ') || 'none'})\n`,
  );
  const consumers: SimConsumer[] = [];
  let stop = false;
  process.once('SIGINT', () => {
    stop = true;
  });
  const endAt = o.durationSec ? Date.now() + o.durationSec * 1000 : Number.POSITIVE_INFINITY;
  let total = 0;
  while (!stop && Date.now() < endAt) {
    const started = Date.now();
    try {
      // A new consumer now and then; otherwise an existing one writes again.
      if (consumers.length < 3 || Math.random() < 0.2) {
        const name = `${pick(FIRST)} ${String.fromCharCode(65 + Math.floor(Math.random() * 26))}.`;
        const s = await call<{ consumerToken: string }>(`${base}/api/v1/consumer/session`, {
          method: 'POST',
          body: JSON.stringify({ accountId: o.accountId, name, customVariables: { source: 'parley demo' } }),
        });
        const skill = skills.length ? pick(skills) : undefined;
        const c = await call<{ id: string }>(`${base}/api/v1/consumer/conversations`, {
          method: 'POST',
          token: s.consumerToken,
          body: JSON.stringify({ ...(skill && { skillId: skill.id }), text: pick(LINES) }),
        });
        consumers.push({ token: s.consumerToken, conversationId: c.id, sent: 1 });
      } else {
        const c = pick(consumers);
        await call(`${base}/api/v1/consumer/conversations/${c.conversationId}/messages`, {
          method: 'POST',
          token: c.token,
          body: JSON.stringify({ text: pick(LINES), clientMessageId: randomUUID() }),
        }).catch(() => {
          consumers.splice(consumers.indexOf(c), 1); // closed meanwhile
        });
        c.sent++;
      }
      total++;
    } catch (err) {
      process.stderr.write(`demo: ${(err as Error).message}\n`);
    }
    const wait = 1000 / o.rate - (Date.now() - started);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  process.stdout.write(`demo: sent ${total} message(s) from ${consumers.length} consumer(s)\n`);
}
