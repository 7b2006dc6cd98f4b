import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jwtBearerAssertion, parsePrivateKey } from './salesforce.js';

describe('Salesforce JWT bearer flow', () => {
  it('signs the JWT bearer assertion with the RSA key (PKCS#8 or PKCS#1)', () => {
    const pair = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
    const jwt = jwtBearerAssertion({
      consumerKey: 'ck',
      username: 'u@x',
      audience: 'https://login.salesforce.com/',
      privateKey: pair.privateKey,
      now: 1_700_000_000_000,
    });
    const [h, c, s] = jwt.split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(c, 'base64url').toString())).toEqual({ iss: 'ck', sub: 'u@x', aud: 'https://login.salesforce.com', exp: 1_700_000_180 });
    expect(verify('RSA-SHA256', Buffer.from(`${h}.${c}`), pair.publicKey, Buffer.from(s, 'base64url'))).toBe(true);
    expect(() => parsePrivateKey('nope')).toThrow(/PEM private key/);
    const ec = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    expect(() => parsePrivateKey(ec.privateKey)).toThrow(/RSA key is needed/);
  });
});
