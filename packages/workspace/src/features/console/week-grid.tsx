import { type BusinessHours, WEEKDAYS, type Weekday } from '@parley/contract';
import { useId, useMemo, useState } from 'react';
import { Field, FieldError, type FieldErrors } from './forms.js';

export const DAY_NAMES: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

const minutes = (t: string) => (/^\d\d:\d\d$/.test(t) ? Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5)) : null);

/** Every IANA zone the browser knows, with the one given first if it does not (an old or alias name). */
function timeZones(current: string): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const all = known.includes('UTC') ? known : ['UTC', ...known];
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
  const zones = useMemo(() => timeZones(value.timeZone), [value.timeZone]);
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
      <Field label="Time zone" path={at('timeZone')} errors={errors}>
        <select value={value.timeZone} onChange={(e) => onChange({ ...value, timeZone: e.target.value })}>
          {zones.map((z) => (
            <option key={z} value={z}>
              {z.replaceAll('_', ' ')}
            </option>
          ))}
        </select>
      </Field>
      <table className="week-grid" aria-label={`${label}: opening windows by day`}>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Open (local time)</th>
            <th scope="col" className="week-bar-head">
              <span aria-hidden="true" className="week-scale">
                <span>0</span>
                <span>6</span>
                <span>12</span>
                <span>18</span>
                <span>24</span>
              </span>
              <span className="sr-only">The day at a glance</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {WEEKDAYS.map((day) => {
            const ws = value.weekly[day];
            const name = DAY_NAMES[day];
            return (
              <tr key={day}>
                <th scope="row">{name}</th>
                <td data-label="Open">
                  <ul className="windows">
                    {ws.map((w, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: a window is its place in the day while it is edited
                      <li key={i} className="window">
                        <input
                          className="time"
                          value={w[0]}
                          inputMode="numeric"
                          placeholder="HH:MM"
                          aria-label={`${name} window ${i + 1} opens`}
                          aria-invalid={invalid(`weekly.${day}.${i}.0`)}
                          onChange={(e) => setTime(day, i, 0, e.target.value)}
                        />
                        <span aria-hidden="true">–</span>
                        <input
                          className="time"
                          value={w[1]}
                          inputMode="numeric"
                          placeholder="HH:MM"
                          aria-label={`${name} window ${i + 1} closes`}
                          aria-invalid={invalid(`weekly.${day}.${i}.1`)}
                          onChange={(e) => setTime(day, i, 1, e.target.value)}
                        />
                        <button
                          type="button"
                          className="button small"
                          aria-label={`Remove ${name} window ${i + 1}`}
                          onClick={() =>
                            setDay(
                              day,
                              ws.filter((_, n) => n !== i),
                            )
                          }
                        >
                          Remove
                        </button>
                      </li>
                    ))}
                    {ws.length === 0 ? <li className="muted">Closed</li> : null}
                  </ul>
                  <button type="button" className="button small" aria-label={`Add a window on ${name}`} onClick={() => setDay(day, [...ws, nextWindow(ws)])}>
                    Add window
                  </button>
                  <FieldError errors={errors} path={at(`weekly.${day}`)} />
                </td>
                <td className="week-bar-cell" aria-hidden="true">
                  <span className="week-bar">
                    {ws.map((w, i) => {
                      const a = minutes(w[0]);
                      const b = minutes(w[1]);
                      if (a === null || b === null || b <= a) return null;
                      // biome-ignore lint/suspicious/noArrayIndexKey: drawn from the windows in order
                      return <span key={i} className="week-bar-open" style={{ left: `${(a / 1440) * 100}%`, width: `${((b - a) / 1440) * 100}%` }} />;
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
        <h5>Holidays (closed all day)</h5>
        {value.holidays.length === 0 ? (
          <p className="muted">No holidays.</p>
        ) : (
          <ul className="holiday-list" aria-label="Holidays">
            {value.holidays.map((d) => (
              <li key={d}>
                <time dateTime={d}>{d}</time>{' '}
                <button
                  type="button"
                  className="button small"
                  aria-label={`Remove holiday ${d}`}
                  onClick={() => onChange({ ...value, holidays: value.holidays.filter((h) => h !== d) })}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="field inline-field">
          <label className="field-label" htmlFor={holidayId}>
            Add a holiday
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
              Add holiday
            </button>
          </div>
          <FieldError errors={errors} path={at('holidays')} />
        </div>
      </div>
    </fieldset>
  );
}
