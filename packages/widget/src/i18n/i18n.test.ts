import { afterEach, describe, expect, it } from 'vitest';
import { csatLabels, formatWait, queueLine } from '../frame/logic.js';
import { consumerLanguage, currentLanguage, pickLanguage, setLanguage, t } from './index.js';
import { loaderLanguage, loaderText } from './loader.js';

describe('the widget’s language', () => {
  afterEach(async () => setLanguage('en'));

  it('follows data-lang when Parley ships it, else the browser, else English', () => {
    expect(pickLanguage('fr', ['de-DE'])).toBe('fr');
    expect(pickLanguage('pt', ['en'])).toBe('pt-BR');
    expect(pickLanguage('AR-eg', [])).toBe('ar');
    expect(pickLanguage('xx', ['ja-JP', 'en'])).toBe('ja');
    expect(pickLanguage(undefined, ['nl-NL', 'es-MX'])).toBe('es');
    expect(pickLanguage(null, ['nl-NL'])).toBe('en');
  });

  it('speaks the chosen language, with its plural rules', async () => {
    await setLanguage('fr');
    expect(currentLanguage()).toBe('fr');
    expect(queueLine({ state: 'queued', queuePosition: 4, expectedResponseSec: 1800 })).toBe(
      'Vous êtes en position 4 dans la file. Réponse attendue dans environ 30 minutes.',
    );
    expect(formatWait(60)).toBe('environ 1 minute');
    await setLanguage('ar');
    expect([60, 120, 180, 660, 100 * 86_400].map(formatWait)).toEqual([
      'دقيقة واحدة تقريبًا',
      'دقيقتين تقريبًا',
      '3 دقائق تقريبًا',
      '11 دقيقة تقريبًا',
      '100 يوم تقريبًا',
    ]);
    await setLanguage('ja');
    expect(csatLabels()[4]).toBe('非常に満足');
    expect(t('typing', { name: 'Ana' })).toBe('Ana が入力中…');
  });

  it('names the launcher in the page’s language without an ICU parser', () => {
    expect(loaderText('de', 'launcher.openUnread', { count: 3 })).toBe('Chat öffnen, ungelesene Nachrichten: 3');
    expect(loaderText('en', 'launcher.close')).toBe('Close chat');
    expect(loaderLanguage('es-419')).toBe('es');
  });

  it('has the pseudo-locale when the page names it (never from the browser): accented, longer, arguments intact', async () => {
    expect(pickLanguage('en-XA', ['de'])).toBe('en-XA');
    expect(pickLanguage(undefined, ['en-XA', 'de'])).toBe('en');
    await setLanguage('en-XA');
    expect(currentLanguage()).toBe('en-XA');
    // Parley is told English: the consumer reads the English catalogue underneath.
    expect(consumerLanguage()).toBe('en');
    expect(t('head.title')).toBe('⟦Çĥáţ ŵíţĥ üš····⟧');
    const typing = t('typing', { name: 'Ana' });
    expect(typing).toMatch(/^⟦Ana [^A-Za-z]+⟧$/);
    expect(queueLine({ state: 'queued', queuePosition: 4, expectedResponseSec: 1800 })).not.toMatch(/[A-Za-z]/);
    expect(loaderLanguage('en-XA')).toBe('en-XA');
    expect(loaderText('en-XA', 'launcher.openUnread', { count: 3 })).toBe('⟦Öþéñ çĥáţ, ····3 üñŕéáð···⟧');
  });
});
