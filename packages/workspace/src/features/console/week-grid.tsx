import { type BusinessHours, WEEKDAYS, type Weekday } from '@parley/contract';
import { useId, useMemo, useState } from 'react';
import { useT } from '../../i18n/index.js';
import { timeZones } from '../../lib/format.js';
import { Field, FieldError, type FieldErrors } from './forms.js';

const minutes = (t: string) => (/^\d\d:\d\d$/.test(t) ? Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5)) : null);

/** Every IANA zone the browser knows, with the one given first if it does not (an old or alias name). */
function zonesWith(current: string): string[] {
  const all = timeZones();
  return all.includes(current) ? all : [current, ...all];
}

/** A new window for a day: after the day's last one, else 09:00–17:00. */
function nextWindow(ws: [string, string][]): [string, string] {
  const last = ws[ws.length - 1];
  const end = last ? minutes(last[1]) : null;
  if (end === null || end >= 23 * 60) return ['09:00', '17:00'];
  const hh = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return [hh(end + 60), hh(Math.min(24 * 60, end + 4 * 60))];
}

/**
 * The week as a grid: a row a day, with its opening windows (local time in the time zone, HH:MM,
 * "24:00" ends a window at midnight), a bar drawing them over the 24 hours, and buttons to add
 * and remove windows. Then the time zone and the holidays (closed all day). The API checks the
 * values; its errors show next to the day or field they are about.
 */
export function WeekGrid(props: { value: BusinessHours; onChange: (v: BusinessHours) => void; errors: FieldErrors; label: string; path?: string }) {
  const { value, onChange, errors, label, path = '' } = props;
  const t = useT();
  const zones = useMemo(() => zonesWith(value.timeZone), [value.timeZone]);
  const holidayId = useId();
  /** The API's error path of a part of the hours (under `path` in a skill's body). */
  const at = (p: string) => (path ? `${path}.${p}` : p);
  const [holiday, setHoliday] = useState('');
  const setDay = (day: Weekday, ws: [string, string][]) => onChange({ ...value, weekly: { ...value.weekly, [day]: ws } });
  const setTime = (day: Weekday, i: number, end: 0 | 1, t: string) =>
    setDay(
      day,
      value.weekly[day].map((w, n) => (n === i ? (end === 0 ? [t, w[1]] : [w[0], t]) : w)),
    );
  const addHoliday = () => {
    if (!holiday || value.holidays.includes(holiday)) return;
    onChange({ ...value, holidays: [...value.holidays, holiday].sort() });
    setHoliday('');
  };
  const invalid = (p: string) => (errors[at(p)] !== undefined ? true : undefined);
  return (
    <fieldset className="field week-grid-set">
      <legend>{label}</legend>
      <Field label={t('console.hours.timeZone')} path={at('timeZone')} errors={errors}>
        <select value={value.timeZone} onChange={(e) => onChange({ ...value, timeZone: e.target.value })}>
          {zones.map((z) => (
            <option key={z} value={z}>
              {z.replaceAll('_', ' ')}
            </option>
          ))}
        </select>
      </Field>
      <table className="week-grid" aria-label={t('console.hours.grid', { label })}>
        <thead>
          <tr>
            <th scope="col">{t('console.hours.dayColumn')}</th>
            <th scope="col">{t('console.hours.openColumn')}</th>
            <th scope="col" className="week-bar-head">
              <span aria-hidden="true" className="week-scale">
                <span>0</span>
                <span>6</span>
                <span>12</span>
                <span>18</span>
                <span>24</span>
              </span>
              <span className="sr-only">{t('console.hours.glance')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {WEEKDAYS.map((day) => {
            const ws = value.weekly[day];
            const name = t(`console.hours.day.${day}` as const);
            return (
              <tr key={day}>
                <th scope="row">{name}</th>
                <td>
                  <ul className="windows">
                    {ws.map((w, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: a window is its place in the day while it is edited
                      <li key={i} className="window">
                        <input
                          className="time"
                          value={w[0]}
                          inputMode="numeric"
                          placeholder={t('console.hours.timePlaceholder')}
                          aria-label={t('console.hours.windowOpens', { day: name, n: i + 1 })}
                          aria-invalid={invalid(`weekly.${day}.${i}.0`)}
                          onChange={(e) => setTime(day, i, 0, e.target.value)}
                        />
                        <span aria-hidden="true">–</span>
                        <input
                          className="time"
                          value={w[1]}
                          inputMode="numeric"
                          placeholder={t('console.hours.timePlaceholder')}
                          aria-label={t('console.hours.windowCloses', { day: name, n: i + 1 })}
                          aria-invalid={invalid(`weekly.${day}.${i}.1`)}
                          onChange={(e) => setTime(day, i, 1, e.target.value)}
                        />
                        <button
                          type="button"
                          className="button small"
                          aria-label={t('console.hours.removeWindow', { day: name, n: i + 1 })}
                          onClick={() =>
                            setDay(
                              day,
                              ws.filter((_, n) => n !== i),
                            )
                          }
                        >
                          {t('console.hours.remove')}
                        </button>
                      </li>
                    ))}
                    {ws.length === 0 ? <li className="muted">{t('console.hours.closed')}</li> : null}
                  </ul>
                  <button
                    type="button"
                    className="button small"
                    aria-label={t('console.hours.addWindowOn', { day: name })}
                    onClick={() => setDay(day, [...ws, nextWindow(ws)])}
                  >
                    {t('console.hours.addWindow')}
                  </button>
                  <FieldError errors={errors} path={at(`weekly.${day}`)} />
                </td>
                <td className="week-bar-cell" aria-hidden="true">
                  <span className="week-bar">
                    {ws.map((w, i) => {
                      const a = minutes(w[0]);
                      const b = minutes(w[1]);
                      if (a === null || b === null || b <= a) return null;
                      return (
                        // biome-ignore lint/suspicious/noArrayIndexKey: drawn from the windows in order
                        <span key={i} className="week-bar-open" style={{ insetInlineStart: `${(a / 1440) * 100}%`, width: `${((b - a) / 1440) * 100}%` }} />
                      );
                    })}
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {errors[at('weekly')] ? <FieldError errors={{ weekly: errors[at('weekly')] ?? '' }} path="weekly" /> : null}
      <div className="holidays">
        <h5>{t('console.hours.holidays')}</h5>
        {value.holidays.length === 0 ? (
          <p className="muted">{t('console.hours.noHolidays')}</p>
        ) : (
          <ul className="holiday-list" aria-label={t('console.hours.holidayList')}>
            {value.holidays.map((d) => (
              <li key={d}>
                <time dateTime={d}>{d}</time>{' '}
                <button
                  type="button"
                  className="button small"
                  aria-label={t('console.hours.removeHoliday', { date: d })}
                  onClick={() => onChange({ ...value, holidays: value.holidays.filter((h) => h !== d) })}
                >
                  {t('console.hours.remove')}
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="field inline-field">
          <label className="field-label" htmlFor={holidayId}>
            {t('console.hours.addHolidayLabel')}
          </label>
          <div className="inline-row">
            <input
              id={holidayId}
              type="date"
              value={holiday}
              onChange={(e) => setHoliday(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  addHoliday();
                }
              }}
            />
            <button type="button" className="button" onClick={addHoliday} disabled={!holiday}>
              {t('console.hours.addHoliday')}
            </button>
          </div>
          <FieldError errors={errors} path={at('holidays')} />
        </div>
      </div>
    </fieldset>
  );
}
