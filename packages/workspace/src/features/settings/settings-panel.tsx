import { LANGUAGE_NAMES } from '@parley/contract';
import { type FormEvent, useMemo, useState } from 'react';
import { saveSettings, setFilters } from '../../app/controller.js';
import { useDirectory } from '../../app/directory.js';
import { useStore } from '../../app/store.js';
import { PICKABLE, PSEUDO, type UiLanguage, useT } from '../../i18n/index.js';
import { type DateFormat, DEFAULT_DATE_PREFS, formatDateTime, type TimeFormat, timeZones } from '../../lib/format.js';
import { playChime, unlockAudio } from '../../lib/sound.js';
import { LIST_STATUSES, type ListStatus, listStatusLabel, STATUS_LABEL } from '../../lib/types.js';

const DATE_FORMATS: DateFormat[] = ['YYYY-MM-DD', 'DD/MM/YYYY', 'MM/DD/YYYY', 'DD.MM.YYYY'];

/** User and account information, and the preferences kept across sign-ins (PATCH /api/v1/me/settings). */
export function SettingsPanel() {
  const session = useStore((s) => s.session);
  const settings = useStore((s) => s.settings);
  const directory = useDirectory();
  const zones = useMemo(timeZones, []);
  const [dateFormat, setDateFormat] = useState<DateFormat>(settings.dateFormat ?? DEFAULT_DATE_PREFS.dateFormat);
  const [timeFormat, setTimeFormat] = useState<TimeFormat>(settings.timeFormat ?? DEFAULT_DATE_PREFS.timeFormat);
  const [timeZone, setTimeZone] = useState(settings.timeZone ?? DEFAULT_DATE_PREFS.timeZone);
  const [layout, setLayout] = useState(settings.layout ?? 'comfortable');
  const [defaults, setDefaults] = useState<ListStatus[]>(settings.defaultFilters ?? []);
  const [notify, setNotify] = useState(settings.notificationsEnabled ?? false);
  const [sound, setSound] = useState(settings.soundEnabled ?? false);
  const [language, setLanguage] = useState<UiLanguage | ''>((settings.language as UiLanguage | undefined) ?? '');
  const [busy, setBusy] = useState(false);
  const t = useT();
  if (!session) return null;
  const u = session.user;
  const skillNames = u.skills.map((id) => directory?.skills.find((s) => s.id === id)?.displayName ?? id);
  const zoneList = zones.includes(timeZone) ? zones : [timeZone, ...zones];

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    if (notify && typeof Notification !== 'undefined' && Notification.permission === 'default') {
      try {
        await Notification.requestPermission();
      } catch {
        // the browser said no
      }
    }
    const ok = await saveSettings({
      dateFormat,
      timeFormat,
      timeZone,
      layout,
      defaultFilters: defaults,
      notificationsEnabled: notify,
      soundEnabled: sound,
      language: language && language !== PSEUDO ? language : null,
    });
    if (ok) setFilters(defaults);
    setBusy(false);
  }

  return (
    <section className="panel settings" aria-labelledby="settings-title">
      <div className="pane-head">
        <h2 id="settings-title">{t('settings.title')}</h2>
      </div>
      <div className="settings-grid">
        <section aria-labelledby="settings-user">
          <h3 id="settings-user">{t('settings.you')}</h3>
          <dl className="kv">
            <dt>{t('settings.name')}</dt>
            <dd>{u.displayName}</dd>
            <dt>{t('settings.username')}</dt>
            <dd>{u.username}</dd>
            <dt>{t('settings.role')}</dt>
            <dd>{u.role === 'manager' ? t('role.manager') : t('role.agent')}</dd>
            <dt>{t('settings.status')}</dt>
            <dd>{STATUS_LABEL[u.status]}</dd>
            <dt>{t('settings.skills')}</dt>
            <dd>{skillNames.length ? skillNames.join(t('list.separator')) : '—'}</dd>
            <dt>{t('settings.maxConversations')}</dt>
            <dd>{u.maxConcurrent}</dd>
          </dl>
          <h3>{t('settings.account')}</h3>
          <dl className="kv">
            <dt>{t('settings.accountId')}</dt>
            <dd>
              <code>{u.accountId}</code>
            </dd>
            <dt>{t('settings.signedIn')}</dt>
            <dd>{formatDateTime(Date.now(), { dateFormat, timeFormat, timeZone })}</dd>
          </dl>
        </section>
        <form onSubmit={submit} aria-labelledby="settings-prefs">
          <h3 id="settings-prefs">{t('settings.preferences')}</h3>
          <label className="field">
            <span>{t('settings.language')}</span>
            <select value={language} onChange={(e) => setLanguage(e.target.value as UiLanguage | '')}>
              <option value="">{t('settings.language.browser')}</option>
              {PICKABLE.map((l) => (
                <option key={l} value={l} lang={l === PSEUDO ? 'en' : l}>
                  {l === PSEUDO ? t('settings.language.pseudo') : LANGUAGE_NAMES[l]}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('settings.dateFormat')}</span>
            <select value={dateFormat} onChange={(e) => setDateFormat(e.target.value as DateFormat)}>
              {DATE_FORMATS.map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="field">
            <legend>{t('settings.timeFormat')}</legend>
            <label className="check">
              <input type="radio" name="timeFormat" checked={timeFormat === '24h'} onChange={() => setTimeFormat('24h')} /> {t('settings.timeFormat.24h')}
            </label>
            <label className="check">
              <input type="radio" name="timeFormat" checked={timeFormat === '12h'} onChange={() => setTimeFormat('12h')} /> {t('settings.timeFormat.12h')}
            </label>
          </fieldset>
          <label className="field">
            <span>{t('settings.timeZone')}</span>
            <select value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
              {zoneList.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="field">
            <legend>{t('settings.layout')}</legend>
            <label className="check">
              <input type="radio" name="layout" checked={layout === 'comfortable'} onChange={() => setLayout('comfortable')} />{' '}
              {t('settings.layout.comfortable')}
            </label>
            <label className="check">
              <input type="radio" name="layout" checked={layout === 'compact'} onChange={() => setLayout('compact')} /> {t('settings.layout.compact')}
            </label>
          </fieldset>
          <fieldset className="field">
            <legend>{t('settings.defaultFilters')}</legend>
            {LIST_STATUSES.map((s) => (
              <label key={s} className="check">
                <input
                  type="checkbox"
                  checked={defaults.includes(s)}
                  onChange={(e) => setDefaults((d) => (e.target.checked ? [...d, s] : d.filter((x) => x !== s)))}
                />{' '}
                {listStatusLabel(s)}
              </label>
            ))}
          </fieldset>
          <fieldset className="field">
            <legend>{t('settings.alerts')}</legend>
            <label className="check">
              <input type="checkbox" checked={notify} onChange={(e) => setNotify(e.target.checked)} /> {t('settings.alerts.notification')}
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={sound}
                onChange={(e) => {
                  setSound(e.target.checked);
                  if (e.target.checked) {
                    unlockAudio();
                    playChime();
                  }
                }}
              />{' '}
              {t('settings.alerts.sound')}
            </label>
          </fieldset>
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? t('common.saving') : t('settings.save')}
          </button>
        </form>
      </div>
    </section>
  );
}
