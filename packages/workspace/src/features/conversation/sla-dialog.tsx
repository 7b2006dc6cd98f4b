import { useState } from 'react';
import { setManualSla } from '../../app/controller.js';
import { useStore } from '../../app/store.js';
import { t, useT } from '../../i18n/index.js';
import { formatDateTime, instantToWallTime, tomorrowAt, wallTimeToInstant } from '../../lib/format.js';
import type { ActiveItem } from '../../lib/types.js';
import { Dialog } from '../../ui/dialog.js';

/** Set or clear a manual SLA: a date-time in the agent's time zone, with quick picks such as tomorrow 09:00. */
export function SlaDialog({ item, onClose }: { item: ActiveItem; onClose: () => void }) {
  useT();
  const prefs = useStore((s) => s.datePrefs);
  const now = Date.now();
  const initial = item.manualSla && item.slaDueAt ? Date.parse(item.slaDueAt) : tomorrowAt(9, now, prefs.timeZone);
  const [wall, setWall] = useState(instantToWallTime(initial, prefs.timeZone));
  const [busy, setBusy] = useState(false);
  const at = wallTimeToInstant(wall, prefs.timeZone);
  const valid = Number.isFinite(at) && at > now;

  async function save(dueAt: number | null) {
    setBusy(true);
    const ok = await setManualSla(item.id, dueAt);
    setBusy(false);
    if (ok) onClose();
  }

  return (
    <Dialog title={t('slaDialog.title')} onClose={onClose}>
      <p className="muted">{t('slaDialog.intro')}</p>
      <div className="quick-picks">
        <button type="button" className="button" onClick={() => setWall(instantToWallTime(now + 3600_000, prefs.timeZone))}>
          {t('slaDialog.inHour')}
        </button>
        <button type="button" className="button" onClick={() => setWall(instantToWallTime(tomorrowAt(9, now, prefs.timeZone), prefs.timeZone))}>
          {t('slaDialog.tomorrow', { time: '09:00' })}
        </button>
      </div>
      <label className="field">
        <span>{t('slaDialog.due', { zone: prefs.timeZone })}</span>
        <input type="datetime-local" value={wall} onChange={(e) => setWall(e.target.value)} required data-autofocus />
      </label>
      {valid ? <p className="muted">{t('slaDialog.dueAt', { when: formatDateTime(at, prefs) })}</p> : <p className="form-error">{t('slaDialog.future')}</p>}
      <div className="dialog-actions">
        {item.manualSla ? (
          <button type="button" className="button danger-ghost" disabled={busy} onClick={() => void save(null)}>
            {t('slaDialog.clear')}
          </button>
        ) : null}
        <span className="spacer" />
        <button type="button" className="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button type="button" className="button primary" disabled={busy || !valid} onClick={() => void save(at)}>
          {t('conv.sla.set')}
        </button>
      </div>
    </Dialog>
  );
}
