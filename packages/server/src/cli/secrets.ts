import { existsSync, renameSync } from 'node:fs';
import { type Config, databaseOptions } from '../config.js';
import { openDatabase } from '../storage/db.js';
import { type MasterKeys, masterIdOf, newMasterKey, parseMasterKey, readKeyFile, rewrap, SecretKeyError, writeKeyFile } from '../storage/secrets.js';

/**
 * `parley secrets rotate`: re-wrap every account's data key under the current master key, while the
 * server keeps running (the data keys, and so the secrets, stay as they are; only their wrapping
 * changes, one small row per account).
 *
 * - With PARLEY_SECRET_KEY: the current key is PARLEY_SECRET_KEY, the old one PARLEY_SECRET_KEY_PREVIOUS.
 * - With the key file (embedded default): `--generate` moves `secret.key` to `secret.key.previous`
 *   and writes a new `secret.key`; otherwise `secret.key` and `secret.key.previous` are used as they are.
 *
 * While a previous key is given, the wrappings under it are kept (nodes still running with the old
 * key keep reading); without one, wrappings under any other key are dropped. So: (1) give every node
 * both keys (a rolling restart), (2) `parley secrets rotate`, (3) remove the previous key from every
 * node and run `parley secrets rotate` again to drop the old wrappings.
 */
export async function rotateSecrets(config: Config, opts: { generate: boolean }, out: (line: string) => void): Promise<void> {
  const keyFile = databaseOptions(config).secrets.keyFile;
  let keys: MasterKeys;
  if (config.secretKey) {
    if (opts.generate)
      throw new SecretKeyError('--generate is for the key file; with PARLEY_SECRET_KEY, set the new key there and the old one in PARLEY_SECRET_KEY_PREVIOUS');
    keys = {
      current: parseMasterKey(config.secretKey),
      ...(config.secretKeyPrevious && { previous: parseMasterKey(config.secretKeyPrevious, 'PARLEY_SECRET_KEY_PREVIOUS') }),
    };
  } else {
    const existing = readKeyFile(keyFile);
    if (!existing) throw new SecretKeyError(`no master key: PARLEY_SECRET_KEY is not set and there is no key file at ${keyFile}`);
    if (opts.generate) {
      if (existsSync(`${keyFile}.previous`)) {
        throw new SecretKeyError(
          `${keyFile}.previous exists: a rotation is under way. Finish it first (delete it once every node runs with secret.key, then rotate again)`,
        );
      }
      const next = newMasterKey();
      // The old key goes to .previous first: at every moment one of the two files holds each key.
      writeKeyFile(`${keyFile}.previous`, existing);
      writeKeyFile(`${keyFile}.next`, next);
      renameSync(`${keyFile}.next`, keyFile);
      keys = { current: next, previous: existing };
      out(`New master key ${masterIdOf(next)} written to ${keyFile}; the old one (${masterIdOf(existing)}) kept in ${keyFile}.previous.`);
    } else {
      const previous = readKeyFile(`${keyFile}.previous`);
      keys = { current: existing, ...(previous && { previous }) };
    }
  }
  const db = await openDatabase({
    ...databaseOptions(config),
    secrets: { secretKey: keys.current.toString('base64'), secretKeyPrevious: keys.previous?.toString('base64') },
  });
  try {
    const r = await rewrap(db.kysely, keys, Date.now(), { dropOthers: !keys.previous });
    const total = await db.kysely.selectFrom('data_keys').select('scope').where('master_id', '=', masterIdOf(keys.current)).execute();
    out(`${total.length} data keys are wrapped under master key ${masterIdOf(keys.current)} (${r.rewrapped} re-wrapped now).`);
    if (keys.previous) {
      out(
        `Their wrappings under the previous key ${masterIdOf(keys.previous)} are kept while it is configured. Once every node runs with the new key, ` +
          'remove the previous one (PARLEY_SECRET_KEY_PREVIOUS, or the file secret.key.previous) and run `parley secrets rotate` again to drop them.',
      );
    } else {
      out(`${r.dropped} wrappings under other master keys dropped.`);
    }
  } finally {
    await db.close();
  }
}
