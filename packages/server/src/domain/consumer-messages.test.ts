import { describe, expect, it } from 'vitest';
import { consumerLanguage, consumerText } from './consumer-messages.js';

describe('consumer messages', () => {
  it("speak the consumer's language when Parley ships it, else the account's default, else English", () => {
    expect(consumerLanguage('fr', 'de')).toBe('fr');
    expect(consumerLanguage('fr-CA', 'de')).toBe('fr');
    expect(consumerLanguage('pt', 'en')).toBe('pt-BR');
    expect(consumerLanguage('it', 'de')).toBe('de');
    expect(consumerLanguage(null, 'ja')).toBe('ja');
    expect(consumerLanguage(null, null)).toBe('en');
    expect(consumerLanguage('xx', 'zz')).toBe('en');
  });

  it('fill in their arguments', () => {
    expect(consumerText('survey.thanks', 'ar')).toBe('شكرًا لك على ملاحظاتك!');
    expect(consumerText('survey.choice.reply', 'ja', { choices: '1) はい 2) いいえ' })).toBe('番号で返信してください：1) はい 2) いいえ');
  });
});
