import { afterEach, describe, expect, it } from 'vitest';
import { PSEUDO, setLanguage } from '../i18n/index.js';
import { problemMessage } from './api.js';

describe("an error answer in the agent's language", () => {
  afterEach(async () => setLanguage('en'));

  it("shows the server's English detail in English, and the code's translated sentence in every other language", async () => {
    const limited = { code: 'rate_limited' as const, detail: 'too many requests; retry in 3 s' };
    expect(problemMessage(429, limited)).toBe('too many requests; retry in 3 s');
    await setLanguage('fr');
    expect(problemMessage(429, limited)).toBe('Trop de requêtes. Patientez un instant et réessayez.');
    await setLanguage('ja');
    expect(problemMessage(403, { code: 'forbidden', detail: 'managers only' })).toBe('この操作は許可されていません。');
    await setLanguage(PSEUDO);
    expect(problemMessage(404, { code: 'not_found', detail: 'no such conversation' })).not.toMatch(/[A-Za-z]{3}/);
  });

  it('keeps the detail beside the sentence where it names what to fix, and has a sentence for an unknown answer', async () => {
    await setLanguage('de');
    expect(problemMessage(400, { code: 'invalid_request', detail: 'body.name: Required' })).toBe('Prüfen Sie Ihre Eingabe. (body.name: Required)');
    expect(problemMessage(502, {})).toBe('Die Anfrage ist fehlgeschlagen (HTTP 502).');
  });
});
