import { afterEach, describe, expect, it } from 'vitest';
import { STATUS_LABEL } from '../lib/types.js';
import { currentLanguage, currentLocale, loadLanguage, PSEUDO, resolveLanguage, setLanguage, t } from './index.js';
import { accent, pseudoMessage } from './pseudo.js';

describe('the workspace language', () => {
  afterEach(async () => setLanguage('en'));

  it('translates with ICU plurals in the chosen language, and English is the default', async () => {
    expect(t('app.tab.incoming', { count: 1 })).toBe('1 with new messages');
    expect(t('app.notifications.label', { count: 0 })).toBe('Notifications');
    await setLanguage('fr');
    expect(currentLanguage()).toBe('fr');
    expect(t('app.notifications.label', { count: 2 })).toBe('Notifications, 2 non lues');
    expect(STATUS_LABEL.back_soon).toBe('De retour bientôt');
    await setLanguage('ar');
    expect(t('app.notifications.label', { count: 2 })).toBe('الإشعارات، إشعاران غير مقروءين');
    expect(t('app.notifications.label', { count: 5 })).toBe('الإشعارات، 5 إشعارات غير مقروءة');
    expect(currentLocale()).toBe('ar');
  });

  it('switches at once, in the caller’s task, to a language whose catalogue is loaded (the first render after sign-in is in it)', async () => {
    await loadLanguage('de');
    expect(currentLanguage()).toBe('en');
    const done = setLanguage('de');
    expect(currentLanguage()).toBe('de');
    expect(t('settings.title')).toBe('Einstellungen');
    await done;
  });

  it('follows the user’s setting, else the browser; an unknown setting falls back', () => {
    expect(resolveLanguage('pt-BR')).toBe('pt-BR');
    expect(resolveLanguage('de')).toBe('de');
    expect(resolveLanguage(PSEUDO)).toBe(PSEUDO);
    // Node has no browser language list: the browser's choice is English here.
    expect(resolveLanguage(undefined)).toBe('en');
    expect(resolveLanguage('xx')).toBe('en');
  });

  it('has a pseudo-locale: accented, a third longer, arguments and plural keywords intact', async () => {
    expect(accent('Sign in')).toBe('Šíĝñ íñ');
    const p = pseudoMessage('{count, plural, one {# with new messages} other {# with new messages}}');
    expect(p).toMatch(/^⟦\{count, ?plural, ?one ?\{# ŵíţĥ ñéŵ ɱéššáĝéš·+\} ?other ?\{# ŵíţĥ ñéŵ ɱéššáĝéš·+\}\}⟧$/);
    await setLanguage(PSEUDO);
    const shown = t('app.tab.incoming', { count: 3 });
    expect(shown.startsWith('⟦3 ŵíţĥ')).toBe(true);
    expect(shown.length).toBeGreaterThanOrEqual(Math.round('3 with new messages'.length * 1.3));
    expect(t('signIn.sso', { provider: 'Okta' })).toContain('Okta');
    expect(/[A-Za-z]/.test(t('settings.title'))).toBe(false);
  });
});
