import { ALWAYS_OPEN, type Availability, type BusinessHours } from '@parley/contract';
import { type FormEvent, useEffect, useState } from 'react';
import { toast, useStore } from '../../app/store.js';
import { api } from '../../lib/api.js';
import { formatDateTime } from '../../lib/format.js';
import { FormSubmit, typed, useSubmit } from './forms.js';
import { WeekGrid } from './week-grid.js';

/**
 * The account's business hours (`GET|PUT /api/v1/business-hours`): SLA and auto-close clocks run
 * only while open, and the widget says when it opens next. A skill may have its own (Skills screen).
 */
export function BusinessHoursScreen() {
  const [hours, setHours] = useState<BusinessHours | null>(null);
  const [errors, busy, run] = useSubmit();
  const accountId = useStore((s) => s.session?.user.accountId);
  const prefs = useStore((s) => s.datePrefs);
  /** What the widget says now, from the saved hours (`GET /api/v1/consumer/availability`). */
  const [now, setNow] = useState<Availability | null>(null);
  const [saved, setSaved] = useState(0);
  useEffect(() => {
    api.call('GET /api/v1/business-hours').then(setHours, (e: Error) => toast(e.message, 'error'));
  }, []);
  useEffect(() => {
    void saved;
    if (!accountId) return;
    api.call('GET /api/v1/consumer/availability', { query: { accountId } }).then(setNow, () => setNow(null));
  }, [accountId, saved]);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!hours) return;
    const ok = await run(async () => setHours(await api.call('PUT /api/v1/business-hours', { body: typed({ ...hours }) })), 'Business hours saved');
    if (ok) setSaved((n) => n + 1);
  }
  return (
    <section aria-labelledby="console-hours">
      <h3 id="console-hours">Business hours</h3>
      <p className="muted hint">
        Response-time targets and auto-close count only open time. While closed, the widget shows the next opening and still takes messages.
      </p>
      {now ? (
        <p className="hours-now" role="status">
          {now.open ? 'Open now.' : now.nextOpenAt ? `Closed now: opens ${formatDateTime(now.nextOpenAt, prefs)} (your time).` : 'Closed now.'}
        </p>
      ) : null}
      {hours ? (
        <form className="console-form wide" onSubmit={submit} aria-label="Business hours" noValidate>
          <WeekGrid label="Account hours" value={hours} onChange={setHours} errors={errors} />
          <FormSubmit errors={errors} busy={busy}>
            Save business hours
          </FormSubmit>{' '}
          <button type="button" className="button" onClick={() => setHours({ ...ALWAYS_OPEN, timeZone: hours.timeZone, holidays: hours.holidays })}>
            Open around the clock
          </button>
        </form>
      ) : (
        <p className="muted">Loading…</p>
      )}
    </section>
  );
}
