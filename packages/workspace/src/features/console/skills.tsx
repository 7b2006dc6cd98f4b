import type { BusinessHours } from '@parley/contract';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { toast } from '../../app/store.js';
import { type MessageKey, t as translate, useT } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { exactDur } from './format.js';
import { Field, FormSubmit, num, typed, useSubmit } from './forms.js';
import { type AutoClose, type SkillRow, type Sla, useList } from './list.js';
import { NamedListScreen } from './named-list.js';
import { WeekGrid } from './week-grid.js';

/** The response-time targets a skill may override (labels as on the Account screen). */
type SlaKey = 'defaultSec' | 'firstTimeSec' | 'urgentSec';
const SLA_FIELDS: readonly (readonly [SlaKey, MessageKey, MessageKey])[] = [
  ['defaultSec', 'console.skills.sla.defaultSec', 'console.skills.summary.defaultSec'],
  ['firstTimeSec', 'console.skills.sla.firstTimeSec', 'console.skills.summary.firstTimeSec'],
  ['urgentSec', 'console.skills.sla.urgentSec', 'console.skills.summary.urgentSec'],
];

/** The account's settings that a skill's overrides replace, shown as the placeholders. */
interface AccountDefaults {
  sla: Required<Sla>;
  autoClose: Required<AutoClose>;
  businessHours: BusinessHours;
}

/**
 * An override field: empty means "the account's setting": left out for a skill without that
 * override, sent as null (which removes it) for one that has it.
 */
function overrideValue(text: string, existing: unknown): number | string | null | undefined {
  if (text.trim() === '') return existing === undefined ? undefined : null;
  return num(text);
}

function SkillForm({ skill, defaults, onDone }: { skill?: SkillRow; defaults: AccountDefaults | null; onDone: () => void }) {
  const t = useT();
  const [name, setName] = useState(skill?.name ?? '');
  const [description, setDescription] = useState(skill?.description ?? '');
  const initialSla = () => Object.fromEntries(SLA_FIELDS.map(([k]) => [k, String(skill?.sla?.[k] ?? '')])) as Record<SlaKey, string>;
  const [sla, setSla] = useState(initialSla);
  const initialEnabled = skill?.autoClose?.enabled === undefined ? '' : skill.autoClose.enabled ? 'on' : 'off';
  const [autoCloseEnabled, setAutoCloseEnabled] = useState<'' | 'on' | 'off'>(initialEnabled);
  const [autoCloseAfter, setAutoCloseAfter] = useState(String(skill?.autoClose?.afterSec ?? ''));
  /** The skill's own hours, or null to follow the account's. */
  const [hours, setHours] = useState<BusinessHours | null>(skill?.businessHours ?? null);
  const [wrapUpRequired, setWrapUpRequired] = useState(!!skill?.wrapUp?.required);
  const hoursGroup = useId();
  const [errors, busy, run] = useSubmit();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const body: Record<string, unknown> = { name, description };
    const slaBody: Record<string, unknown> = {};
    for (const [k] of SLA_FIELDS) {
      const v = overrideValue(sla[k], skill?.sla?.[k]);
      if (v !== undefined) slaBody[k] = v;
    }
    if (Object.keys(slaBody).length) body.sla = slaBody;
    const autoClose: Record<string, unknown> = {};
    if (autoCloseEnabled) autoClose.enabled = autoCloseEnabled === 'on';
    else if (skill?.autoClose?.enabled !== undefined) autoClose.enabled = null;
    const after = overrideValue(autoCloseAfter, skill?.autoClose?.afterSec);
    if (after !== undefined) autoClose.afterSec = after;
    if (Object.keys(autoClose).length) body.autoClose = autoClose;
    if (hours) body.businessHours = hours;
    else if (skill?.businessHours) body.businessHours = null;
    if (wrapUpRequired || skill?.wrapUp) body.wrapUp = { required: wrapUpRequired };
    const ok = await run(
      () =>
        skill ? api.call('PATCH /api/v1/skills/{id}', { params: { id: skill.id }, body: typed(body) }) : api.call('POST /api/v1/skills', { body: typed(body) }),
      skill ? t('console.skills.saved') : t('console.skills.created'),
    );
    if (ok) {
      if (!skill) {
        setName('');
        setDescription('');
        setSla(initialSla);
        setAutoCloseEnabled('');
        setAutoCloseAfter('');
        setHours(null);
        setWrapUpRequired(false);
      }
      onDone();
    }
  }
  const accountSays = (v: number | boolean | undefined) =>
    v === undefined
      ? t('console.skills.accountSetting')
      : t('console.skills.accountValue', { value: v === true ? t('console.skills.on') : v === false ? t('console.skills.off') : v });
  return (
    <form
      className="console-form wide"
      onSubmit={submit}
      aria-label={skill ? t('console.skills.editForm', { name: skill.name }) : t('console.skills.new')}
      noValidate
    >
      <div className="console-grid">
        <Field label={t('console.skills.name')} path="name" errors={errors}>
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label={t('console.skills.description')} path="description" errors={errors}>
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
      </div>
      <fieldset className="field">
        <legend>{t('console.skills.slaLegend')}</legend>
        <div className="console-grid">
          {SLA_FIELDS.map(([k, label]) => (
            <Field key={k} label={t(label)} path={`sla.${k}`} errors={errors}>
              <input inputMode="numeric" value={sla[k]} onChange={(e) => setSla({ ...sla, [k]: e.target.value })} placeholder={accountSays(defaults?.sla[k])} />
            </Field>
          ))}
        </div>
      </fieldset>
      <fieldset className="field">
        <legend>{t('console.skills.autoCloseLegend')}</legend>
        <div className="console-grid">
          <Field label={t('console.skills.autoClose')} path="autoClose.enabled" errors={errors}>
            <select value={autoCloseEnabled} onChange={(e) => setAutoCloseEnabled(e.target.value as '' | 'on' | 'off')}>
              <option value="">
                {defaults
                  ? t(defaults.autoClose.enabled ? 'console.skills.autoClose.accountOn' : 'console.skills.autoClose.accountOff')
                  : t('console.skills.autoClose.account')}
              </option>
              <option value="on">{t('console.skills.autoClose.on')}</option>
              <option value="off">{t('console.skills.autoClose.off')}</option>
            </select>
          </Field>
          <Field label={t('console.skills.autoClose.after')} path="autoClose.afterSec" errors={errors}>
            <input
              inputMode="numeric"
              value={autoCloseAfter}
              onChange={(e) => setAutoCloseAfter(e.target.value)}
              placeholder={accountSays(defaults?.autoClose.afterSec)}
            />
          </Field>
        </div>
      </fieldset>
      <fieldset className="field">
        <legend>{t('console.skills.hoursLegend')}</legend>
        <label className="check">
          <input type="radio" name={hoursGroup} checked={hours === null} onChange={() => setHours(null)} />
          {t('console.skills.useAccountHours')}
        </label>
        <label className="check">
          <input
            type="radio"
            name={hoursGroup}
            checked={hours !== null}
            disabled={!defaults && !skill?.businessHours}
            onChange={() => setHours(skill?.businessHours ?? defaults?.businessHours ?? null)}
          />
          {t('console.skills.ownHours')}
        </label>
        {hours ? (
          <WeekGrid
            label={name.trim() ? t('console.skills.hoursOf', { name: name.trim() }) : t('console.skills.hoursOfThis')}
            value={hours}
            onChange={setHours}
            errors={errors}
            path="businessHours"
          />
        ) : null}
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={wrapUpRequired} onChange={(e) => setWrapUpRequired(e.target.checked)} />
        {t('console.skills.wrapUp')}
      </label>
      <p className="muted hint">{t('console.skills.hint')}</p>
      <FormSubmit errors={errors} busy={busy}>
        {skill ? t('console.skills.save') : t('console.skills.create')}
      </FormSubmit>
    </form>
  );
}

const slaSummary = (s?: Sla) =>
  SLA_FIELDS.flatMap(([k, , short]) => (s?.[k] === undefined ? [] : [translate(short, { duration: exactDur(s[k]) })])).join(', ') || '—';
const autoCloseSummary = (a?: AutoClose) =>
  a?.enabled === false
    ? translate('console.skills.off')
    : a?.afterSec !== undefined
      ? translate('console.skills.autoCloseAfter', { duration: exactDur(a.afterSec) })
      : a?.enabled
        ? translate('console.skills.on')
        : '—';

export function SkillsScreen() {
  const t = useT();
  const [skills, reload] = useList('GET /api/v1/skills');
  const [defaults, setDefaults] = useState<AccountDefaults | null>(null);
  useEffect(() => {
    Promise.all([api.call('GET /api/v1/account/settings'), api.call('GET /api/v1/business-hours')]).then(
      ([s, businessHours]) => setDefaults({ sla: s.sla, autoClose: s.autoClose, businessHours }),
      (e: Error) => toast(e.message, 'error'),
    );
  }, []);
  return (
    <NamedListScreen
      id="console-skills"
      title={t('console.skills.title')}
      label={t('console.skills.title')}
      confirmDelete={(s) => t('console.skills.confirmDelete', { name: s.name })}
      empty={t('console.skills.none')}
      rows={skills}
      reload={reload}
      columns={[
        { header: t('console.skills.col.description'), cell: (s) => s.description },
        { header: t('console.skills.col.sla'), cell: (s) => slaSummary(s.sla) },
        { header: t('console.skills.col.autoClose'), cell: (s) => autoCloseSummary(s.autoClose) },
        {
          header: t('console.skills.col.hours'),
          cell: (s) => (s.businessHours ? t('console.skills.hoursOwn', { zone: s.businessHours.timeZone }) : t('console.skills.hoursAccount')),
        },
        { header: t('console.skills.col.wrapUp'), cell: (s) => (s.wrapUp?.required ? t('console.skills.required') : t('console.skills.optional')) },
      ]}
      remove={(s) => api.call('DELETE /api/v1/skills/{id}', { params: { id: s.id } })}
      newTitle={t('console.skills.new')}
      form={(skill, onDone) => <SkillForm skill={skill} defaults={defaults} onDone={onDone} />}
    />
  );
}
