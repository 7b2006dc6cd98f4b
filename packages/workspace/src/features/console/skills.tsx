import type { BusinessHours } from '@parley/contract';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { toast } from '../../app/store.js';
import { api } from '../../lib/api.js';
import { exactDur } from './format.js';
import { Field, FormSubmit, num, typed, useSubmit } from './forms.js';
import { type AutoClose, type SkillRow, type Sla, useList } from './list.js';
import { NamedListScreen } from './named-list.js';
import { WeekGrid } from './week-grid.js';

/** The response-time targets a skill may override (labels as on the Account screen). */
const SLA_FIELDS = [
  ['defaultSec', 'SLA: first response (s)', 'first response'],
  ['firstTimeSec', 'SLA: first-time consumer (s)', 'first-time'],
  ['urgentSec', 'SLA: urgent (s)', 'urgent'],
] as const;
type SlaKey = (typeof SLA_FIELDS)[number][0];

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
      skill ? 'Skill saved' : 'Skill created',
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
  const accountSays = (v: number | boolean | undefined) => (v === undefined ? 'account setting' : `account: ${v === true ? 'on' : v === false ? 'off' : v}`);
  return (
    <form className="console-form wide" onSubmit={submit} aria-label={skill ? `Edit skill ${skill.name}` : 'New skill'} noValidate>
      <div className="console-grid">
        <Field label="Skill name" path="name" errors={errors}>
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Description" path="description" errors={errors}>
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
      </div>
      <fieldset className="field">
        <legend>Response-time targets for this skill</legend>
        <div className="console-grid">
          {SLA_FIELDS.map(([k, label]) => (
            <Field key={k} label={label} path={`sla.${k}`} errors={errors}>
              <input inputMode="numeric" value={sla[k]} onChange={(e) => setSla({ ...sla, [k]: e.target.value })} placeholder={accountSays(defaults?.sla[k])} />
            </Field>
          ))}
        </div>
      </fieldset>
      <fieldset className="field">
        <legend>Auto-close for this skill</legend>
        <div className="console-grid">
          <Field label="Auto-close" path="autoClose.enabled" errors={errors}>
            <select value={autoCloseEnabled} onChange={(e) => setAutoCloseEnabled(e.target.value as '' | 'on' | 'off')}>
              <option value="">Account setting{defaults ? ` (${defaults.autoClose.enabled ? 'on' : 'off'})` : ''}</option>
              <option value="on">On</option>
              <option value="off">Off</option>
            </select>
          </Field>
          <Field label="Auto-close after (s)" path="autoClose.afterSec" errors={errors}>
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
        <legend>Business hours for this skill</legend>
        <label className="check">
          <input type="radio" name={hoursGroup} checked={hours === null} onChange={() => setHours(null)} />
          Use the account&apos;s hours
        </label>
        <label className="check">
          <input
            type="radio"
            name={hoursGroup}
            checked={hours !== null}
            disabled={!defaults && !skill?.businessHours}
            onChange={() => setHours(skill?.businessHours ?? defaults?.businessHours ?? null)}
          />
          Own hours for this skill
        </label>
        {hours ? <WeekGrid label={`Hours of ${name.trim() || 'this skill'}`} value={hours} onChange={setHours} errors={errors} path="businessHours" /> : null}
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={wrapUpRequired} onChange={(e) => setWrapUpRequired(e.target.checked)} />
        Wrap-up required: a disposition must be chosen on close
      </label>
      <p className="muted hint">Empty fields follow the account settings; empty a saved override to remove it.</p>
      <FormSubmit errors={errors} busy={busy}>
        {skill ? 'Save skill' : 'Create skill'}
      </FormSubmit>
    </form>
  );
}

const slaSummary = (s?: Sla) => SLA_FIELDS.flatMap(([k, , short]) => (s?.[k] === undefined ? [] : [`${short} ${exactDur(s[k])}`])).join(', ') || '—';
const autoCloseSummary = (a?: AutoClose) =>
  a?.enabled === false ? 'off' : a?.afterSec !== undefined ? `after ${exactDur(a.afterSec)}` : a?.enabled ? 'on' : '—';

export function SkillsScreen() {
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
      title="Skills"
      label="Skills"
      confirmDelete={(s) => `Delete the skill ${s.name}?`}
      empty="No skills yet."
      rows={skills}
      reload={reload}
      columns={[
        { header: 'Description', cell: (s) => s.description },
        { header: 'SLA override', cell: (s) => slaSummary(s.sla) },
        { header: 'Auto-close override', cell: (s) => autoCloseSummary(s.autoClose) },
        { header: 'Business hours', cell: (s) => (s.businessHours ? `Own (${s.businessHours.timeZone})` : 'Account') },
        { header: 'Wrap-up', cell: (s) => (s.wrapUp?.required ? 'Required' : 'Optional') },
      ]}
      remove={(s) => api.call('DELETE /api/v1/skills/{id}', { params: { id: s.id } })}
      newTitle="New skill"
      form={(skill, onDone) => <SkillForm skill={skill} defaults={defaults} onDone={onDone} />}
    />
  );
}
