import { describe, expect, it } from 'vitest';
import { parseForm, secretEqual, sha256Signature, twilioSignature, twilioUrlVariants, verifySha256, verifyTwilio } from './signatures.js';

describe('secretEqual', () => {
  it('is true for the same secret only, whatever the lengths', () => {
    expect(secretEqual('s3cret-token', 's3cret-token')).toBe(true);
    expect(secretEqual('s3cret-tokem', 's3cret-token')).toBe(false);
    expect(secretEqual('s3cret', 's3cret-token')).toBe(false);
    expect(secretEqual('s3cret-token-and-more', 's3cret-token')).toBe(false);
    expect(secretEqual('', 's3cret-token')).toBe(false);
    expect(secretEqual('é', 'é')).toBe(true);
  });
});

describe('X-Twilio-Signature', () => {
  // The worked example of Twilio's security documentation.
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const form = 'CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030&To=%2B18005551212';

  it("matches Twilio's documented example", () => {
    expect(twilioSignature('12345', url, parseForm(form))).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    expect(verifyTwilio('12345', url, parseForm(form), '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(true);
  });

  it('refuses another token, another URL, a changed parameter, a missing header', () => {
    expect(verifyTwilio('54321', url, parseForm(form), '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(false);
    expect(verifyTwilio('12345', `${url}&x=1`, parseForm(form), '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(false);
    expect(verifyTwilio('12345', url, parseForm(form.replace('1234&', '1235&')), '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(false);
    expect(verifyTwilio('12345', url, parseForm(form), undefined)).toBe(false);
  });

  it('signs repeated parameters with their values sorted', () => {
    const a = twilioSignature('t', 'https://x.test/', parseForm('M=b&M=a&A=1'));
    const b = twilioSignature('t', 'https://x.test/', parseForm('A=1&M=a&M=b'));
    expect(a).toBe(b);
  });

  it('accepts the URL with or without its default port', () => {
    expect(twilioUrlVariants('https://x.test/p?q=1')).toEqual(['https://x.test/p?q=1', 'https://x.test:443/p?q=1']);
    expect(twilioUrlVariants('https://x.test:443/p')).toEqual(['https://x.test:443/p', 'https://x.test/p']);
    expect(twilioUrlVariants('http://x.test:8080/p')).toEqual(['http://x.test:8080/p']);
  });
});

describe('sha256=<hex> signatures (X-Hub-Signature-256, X-Parley-Signature)', () => {
  it('verifies the raw bytes, case-insensitively in the hex, and nothing else', () => {
    const body = Buffer.from('{"object":"page","entry":[]}');
    const sig = sha256Signature('secret', body);
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySha256('secret', body, sig)).toBe(true);
    expect(verifySha256('secret', body, sig.toUpperCase().replace('SHA256', 'sha256'))).toBe(true);
    expect(verifySha256('other', body, sig)).toBe(false);
    expect(verifySha256('secret', Buffer.from('{"object":"page","entry":[] }'), sig)).toBe(false);
    expect(verifySha256('secret', body, undefined)).toBe(false);
    expect(verifySha256('secret', body, 'sha256=')).toBe(false);
  });
});
