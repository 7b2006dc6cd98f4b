import { createHash, randomBytes } from 'node:crypto';

/** A bearer token: 256 random bits; only its SHA-256 is stored. */
export const newToken = (prefix: string): string => `${prefix}_${randomBytes(32).toString('base64url')}`;
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
