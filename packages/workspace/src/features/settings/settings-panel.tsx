import { type FormEvent, useMemo, useState } from 'react';
import { saveSettings, setFilters } from '../../app/controller.js';
import { useDirectory } from '../../app/directory.js';
import { useStore } from '../../app/store.js';
import { type DateFormat, DEFAULT_DATE_PREFS, formatDateTime, type TimeFormat, timeZones } from '../../lib/format.js';
import { playChime, unlockAudio } from '../../lib/sound.js';
import { LIST_STATUSES, type ListStatus, STATUS_LABEL } from '../../lib/types.js';

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
  const [busy, setBusy] = useState(false);
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
    const ok = await saveSettings({ dateFormat, timeFormat, timeZone, layout, defaultFilters: defaults, notificationsEnabled: notify, soundEnabled: sound });
    if (ok) setFilters(defaults);
    setBusy(false);
  }

  return (
    <section className="panel settings" aria-labelledby="settings-title">
      <div className="pane-head">
        <h2 id="settings-title">Settings</h2>
      </div>
      <div className="settings-grid">
        <section aria-labelledby="settings-user">
          <h3 id="settings-user">You</h3>
          <dl className="kv">
            <dt>Name</dt>
            <dd>{u.displayName}</dd>
            <dt>Username</dt>
            <dd>{u.username}</dd>
            <dt>Role</dt>
            <dd>{u.role === 'manager' ? 'Manager' : 'Agent'}</dd>
            <dt>Status</dt>
            <dd>{STATUS_LABEL[u.status]}</dd>
            <dt>Skills</dt>
            <dd>{skillNames.length ? skillNames.join(', ') : '—'}</dd>
            <dt>Max. conversations</dt>
            <dd>{u.maxConcurrent}</dd>
          </dl>
          <h3>Account</h3>
          <dl className="kv">
            <dt>Account id</dt>
            <dd>
              <code>{u.accountId}</code>
            </dd>
            <dt>Signed in</dt>
            <dd>{formatDateTime(Date.now(), { dateFormat, timeFormat, timeZone })}</dd>
          </dl>
        </section>
        <form onSubmit={submit} aria-labelledby="settings-prefs">
          <h3 id="settings-prefs">Preferences</h3>
          <label className="field">
            <span>Date format</span>
            <select value={dateFormat} onChange={(e) => setDateFormat(e.target.value as DateFormat)}>
              {DATE_FORMATS.map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="field">
            <legend>Time format</legend>
            <label className="check">
              <input type="radio" name="timeFormat" checked={timeFormat === '24h'} onChange={() => setTimeFormat('24h')} /> 24-hour (14:30)
            </label>
            <label className="check">
              <input type="radio" name="timeFormat" checked={timeFormat === '12h'} onChange={() => setTimeFormat('12h')} /> 12-hour (2:30 PM)
            </label>
          </fieldset>
          <label className="field">
            <span>Time zone</span>
            <select value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
              {zoneList.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="field">
            <legend>Layout</legend>
            <label className="check">
              <input type="radio" name="layout" checked={layout === 'comfortable'} onChange={() => setLayout('comfortable')} /> Comfortable
            </label>
            <label className="check">
              <input type="radio" name="layout" checked={layout === 'compact'} onChange={() => setLayout('compact')} /> Compact
            </label>
          </fieldset>
          <fieldset className="field">
            <legend>Default filters on sign-in</legend>
            {LIST_STATUSES.map((s) => (
              <label key={s} className="check">
                <input
                  type="checkbox"
                  checked={defaults.includes(s)}
                  onChange={(e) => setDefaults((d) => (e.target.checked ? [...d, s] : d.filter((x) => x !== s)))}
                />{' '}
                {s[0]?.toUpperCase() + s.slice(1)}
              </label>
            ))}
          </fieldset>
          <fieldset className="field">
            <legend>Alerts for new conversations</legend>
            <label className="check">
              <input type="checkbox" checked={notify} onChange={(e) => setNotify(e.target.checked)} /> Browser notification
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
              Sound
            </label>
          </fieldset>
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save settings'}
          </button>
        </form>
      </div>
    </section>
  );
}
