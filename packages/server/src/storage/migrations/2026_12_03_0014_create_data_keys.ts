import type { Kysely } from 'kysely';

/**
 * `data_keys`: the envelope of secrets at rest (storage/secrets.ts). Each scope — an account id,
 * or `_server` for installation-wide keys — has one random 256-bit data key that encrypts its
 * secrets (AES-256-GCM); the data key is stored only wrapped (encrypted) by a master key
 * (PARLEY_SECRET_KEY or the key file). `master_id` names the master key that wrapped the row (a
 * fingerprint, never the key), so a scope may carry two rows while the master key is rotated.
 * The secrets themselves are encrypted in place, at start-up, once the master key is known.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against an untyped schema by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('data_keys')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('master_id', 'text', (c) => c.notNull())
    .addColumn('wrapped', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('data_keys_pk', ['scope', 'master_id'])
    .execute();
}
