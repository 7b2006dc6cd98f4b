import { ALWAYS_OPEN, type Availability, type BusinessHours } from '@parley/contract';
import { type FormEvent, useEffect, useState } from 'react';
import { toast, useStore } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
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
  const t = useT();
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
    const ok = await run(async () => setHours(await api.call('PUT /api/v1/business-hours', { body: typed({ ...hours }) })), t('console.hours.saved'));
    if (ok) setSaved((n) => n + 1);
  }
  return (
    <section aria-labelledby="console-hours">
      <h3 id="console-hours">{t('console.hours.title')}</h3>
      <p className="muted hint">{t('console.hours.hint')}</p>
      {now ? (
        <p className="hours-now" role="status">
          {now.open
            ? t('console.hours.openNow')
            : now.nextOpenAt
              ? t('console.hours.closedUntil', { at: formatDateTime(now.nextOpenAt, prefs) })
              : t('console.hours.closedNow')}
        </p>
      ) : null}
      {hours ? (
        <form className="console-form wide" onSubmit={submit} aria-label={t('console.hours.title')} noValidate>
          <WeekGrid label={t('console.hours.account')} value={hours} onChange={setHours} errors={errors} />
          <FormSubmit errors={errors} busy={busy}>
            {t('console.hours.save')}
          </FormSubmit>{' '}
          <button type="button" className="button" onClick={() => setHours({ ...ALWAYS_OPEN, timeZone: hours.timeZone, holidays: hours.holidays })}>
            {t('console.hours.allDay')}
          </button>
        </form>
      ) : (
        <p className="muted">{t('console.hours.loading')}</p>
      )}
    </section>
  );
}
