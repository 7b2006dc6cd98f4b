import { ALWAYS_OPEN, type BusinessHours } from '@parley/contract';
import { type FormEvent, useEffect, useState } from 'react';
import { toast } from '../../app/store.js';
import { api } from '../../lib/api.js';
import { FormSubmit, typed, useSubmit } from './forms.js';
import { WeekGrid } from './week-grid.js';

/**
 * The account's business hours (`GET|PUT /api/v1/business-hours`): SLA and auto-close clocks run
 * only while open, and the widget says when it opens next. A skill may have its own (Skills screen).
 */
export function BusinessHoursScreen() {
  const [hours, setHours] = useState<BusinessHours | null>(null);
  const [errors, busy, run] = useSubmit();
  useEffect(() => {
    api.call('GET /api/v1/business-hours').then(setHours, (e: Error) => toast(e.message, 'error'));
  }, []);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!hours) return;
    await run(async () => setHours(await api.call('PUT /api/v1/business-hours', { body: typed({ ...hours }) })), 'Business hours saved');
  }
  return (
    <section aria-labelledby="console-hours">
      <h3 id="console-hours">Business hours</h3>
      <p className="muted hint">
        Response-time targets and auto-close count only open time. While closed, the widget shows the next opening and still takes messages.
      </p>
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
