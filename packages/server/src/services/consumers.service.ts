import { invalid, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { findAccount } from '../storage/repos/accounts.repo.js';
import { type CustomVariables, insertConsumer } from '../storage/repos/consumers.repo.js';
import { insertConsumerSession } from '../storage/repos/tokens.repo.js';
import type { Deps } from './context.js';
import { hashToken, newToken } from './tokens.js';

export const CONSUMER_TOKEN_TTL_MS = 90 * 24 * 3600_000;

/** A web consumer session: a new consumer identity and a bearer token for the consumer API. */
export async function createConsumerSession(
  deps: Deps,
  input: {
    accountId: string;
    channelId?: string | undefined;
    name?: string | undefined;
    identityToken?: string | undefined;
    customVariables?: CustomVariables | undefined;
  },
): Promise<{ consumerToken: string; consumerId: string }> {
  if (input.channelId) throw invalid('channelId: no such web channel', 'channelId');
  if (input.identityToken) throw invalid('identity tokens are not enabled for this account', 'identityToken');
  const now = deps.clock.now();
  const consumerId = newId();
  const consumerToken = newToken('cst');
  await deps.db.transaction(async (tx) => {
    if (!(await findAccount(tx, input.accountId))) throw notFound('account');
    await insertConsumer(tx, {
      id: consumerId,
      accountId: input.accountId,
      channel: 'web',
      channelId: null,
      externalId: null,
      name: input.name ?? 'Visitor',
      customVariables: input.customVariables ?? {},
      lastAgentId: null,
      createdAt: now,
    });
    await insertConsumerSession(tx, {
      hash: hashToken(consumerToken),
      accountId: input.accountId,
      consumerId,
      createdAt: now,
      expiresAt: now + CONSUMER_TOKEN_TTL_MS,
    });
  });
  return { consumerToken, consumerId };
}
