import type { ChannelType, MessagingChannel } from '@parley/contract';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { toast } from '../../app/store.js';
import { type MessageKey, useT } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { ChannelTemplates } from './channel-templates.js';
import { Field, type FieldErrors, FormError, typed, useSubmit } from './forms.js';
import { type SkillRow, useList } from './list.js';
import { ConsoleTable } from './table.js';

type ChannelRow = MessagingChannel & { secret?: string };

/**
 * A provider credential as the form shows it (its texts are catalogue keys). `secret: 'channel'` is
 * the key that *is* the channel secret (the provider signs with it): write-only, replaced by typing a
 * new one, never removed (`PATCH` refuses it). `secret: 'stored'` is write-only too, shown as stored
 * or not, and removable (`remove` names the tick box).
 */
interface CredentialField {
  key: string;
  label: MessageKey;
  /** The label while one is stored (write-only keys). */
  replace?: MessageKey;
  /** The tick box that removes a stored one (`secret: 'stored'`). */
  remove?: MessageKey;
  secret?: 'channel' | 'stored';
  /** An example value (an id, a number: the same in every language). */
  placeholder?: string;
  /** A placeholder in words. */
  placeholderText?: MessageKey;
  hint?: MessageKey;
}

/** Meta's channels (Messenger, Instagram, WhatsApp) share these two. */
const META_APP_SECRET: CredentialField = {
  key: 'appSecret',
  label: 'console.channels.cred.appSecret',
  replace: 'console.channels.cred.appSecret.replace',
  secret: 'channel',
  hint: 'console.channels.cred.appSecret.hint',
};
const META_VERIFY_TOKEN: CredentialField = {
  key: 'verifyToken',
  label: 'console.channels.cred.verifyToken',
  replace: 'console.channels.cred.verifyToken.replace',
  remove: 'console.channels.cred.verifyToken.remove',
  secret: 'stored',
  hint: 'console.channels.cred.verifyToken.hint',
};
const PAGE_ACCESS_TOKEN: CredentialField = {
  key: 'pageAccessToken',
  label: 'console.channels.cred.pageAccessToken',
  replace: 'console.channels.cred.pageAccessToken.replace',
  remove: 'console.channels.cred.pageAccessToken.remove',
  secret: 'stored',
};
const GRAPH_VERSION: CredentialField = { key: 'apiVersion', label: 'console.channels.cred.apiVersion', placeholder: 'v21.0' };

/** Every key the channels API takes per type (the server's adapters in channels/). */
const CREDENTIALS: Record<ChannelType, CredentialField[]> = {
  sms: [
    { key: 'accountSid', label: 'console.channels.cred.accountSid', placeholder: 'AC…' },
    {
      key: 'authToken',
      label: 'console.channels.cred.authToken',
      replace: 'console.channels.cred.authToken.replace',
      secret: 'channel',
      hint: 'console.channels.cred.authToken.hint',
    },
    { key: 'from', label: 'console.channels.cred.from', placeholder: '+15551234567', hint: 'console.channels.cred.from.hint' },
    {
      key: 'messagingServiceSid',
      label: 'console.channels.cred.messagingServiceSid',
      placeholder: 'MG…',
      hint: 'console.channels.cred.messagingServiceSid.hint',
    },
  ],
  messenger: [META_APP_SECRET, PAGE_ACCESS_TOKEN, META_VERIFY_TOKEN, GRAPH_VERSION],
  webhook: [],
  whatsapp: [
    META_APP_SECRET,
    { key: 'phoneNumberId', label: 'console.channels.cred.phoneNumberId', placeholder: '106540352242922' },
    {
      key: 'accessToken',
      label: 'console.channels.cred.accessToken',
      replace: 'console.channels.cred.accessToken.replace',
      remove: 'console.channels.cred.accessToken.remove',
      secret: 'stored',
      hint: 'console.channels.cred.accessToken.hint',
    },
    META_VERIFY_TOKEN,
    GRAPH_VERSION,
  ],
  instagram: [
    META_APP_SECRET,
    PAGE_ACCESS_TOKEN,
    META_VERIFY_TOKEN,
    { key: 'pageId', label: 'console.channels.cred.pageId', placeholderText: 'console.channels.cred.pageId.placeholder' },
    GRAPH_VERSION,
  ],
  telegram: [
    {
      key: 'botToken',
      label: 'console.channels.cred.botToken',
      replace: 'console.channels.cred.botToken.replace',
      remove: 'console.channels.cred.botToken.remove',
      secret: 'stored',
      hint: 'console.channels.cred.botToken.hint',
    },
  ],
};

const GRAPH_URL = {
  key: 'providerBaseUrl',
  label: 'console.channels.providerUrl',
  placeholder: 'https://graph.facebook.com',
  hint: 'console.channels.providerUrl.meta',
} as const;

/** Where agent messages go: the brand's URL for a webhook channel, the provider's API (with its default) otherwise. */
const URL_FIELD: Record<ChannelType, { key: 'outboundUrl' | 'providerBaseUrl'; label: MessageKey; placeholder: string; hint: MessageKey }> = {
  webhook: { key: 'outboundUrl', label: 'console.channels.outboundUrl', placeholder: 'https://…', hint: 'console.channels.outboundUrl.hint' },
  sms: {
    key: 'providerBaseUrl',
    label: 'console.channels.providerUrl',
    placeholder: 'https://api.twilio.com',
    hint: 'console.channels.providerUrl.twilio',
  },
  messenger: GRAPH_URL,
  whatsapp: GRAPH_URL,
  instagram: GRAPH_URL,
  telegram: {
    key: 'providerBaseUrl',
    label: 'console.channels.providerUrl',
    placeholder: 'https://api.telegram.org',
    hint: 'console.channels.providerUrl.telegram',
  },
};

/** The providers' own names: the same in every language. */
const TYPE_NAMES: Record<ChannelType, string> = {
  webhook: 'Webhook',
  sms: 'SMS',
  messenger: 'Messenger',
  whatsapp: 'WhatsApp',
  instagram: 'Instagram',
  telegram: 'Telegram',
};

/** The heading of the credentials box, by provider. */
const CREDENTIALS_LEGEND: Partial<Record<ChannelType, MessageKey>> = {
  sms: 'console.channels.credentials.twilio',
  telegram: 'console.channels.credentials.telegram',
};

/** The paths this form shows next to a field; any other error goes to the summary above the button. */
const shownPaths = (type: ChannelType) => ['type', 'name', 'skillId', URL_FIELD[type].key, ...CREDENTIALS[type].map((f) => `credentials.${f.key}`)];
function leftovers(errors: FieldErrors, type: ChannelType): FieldErrors {
  const shown = shownPaths(type);
  const other = Object.entries(errors).filter(([k]) => k !== '_' && !shown.some((p) => k === p || k.startsWith(`${p}.`)));
  if (errors._ === undefined && other.length === 0) return errors;
  return { ...errors, _: [errors._, ...other.map(([k, m]) => `${k}: ${m}`)].filter(Boolean).join(' ') };
}

/**
 * Create (no `channel`) or edit a channel: every field the channels API takes for its type. An
 * emptied field that had a value is sent as null (removed); write-only keys are sent only when typed.
 */
function ChannelForm({
  channel,
  skills,
  onSaved,
  onCancel,
}: {
  channel?: ChannelRow;
  skills: SkillRow[];
  onSaved: (c: ChannelRow) => void;
  onCancel?: () => void;
}) {
  const [type, setType] = useState<ChannelType>(channel?.type ?? 'webhook');
  const [name, setName] = useState(channel?.name ?? '');
  const [skillId, setSkillId] = useState(channel?.skillId ?? '');
  const urlField = URL_FIELD[type];
  const [url, setUrl] = useState(channel?.[urlField.key] ?? '');
  const initialValues = () => Object.fromEntries(CREDENTIALS[type].map((f) => [f.key, f.secret ? '' : (channel?.credentials[f.key] ?? '')]));
  const [values, setValues] = useState<Record<string, string>>(initialValues);
  const [remove, setRemove] = useState<Record<string, boolean>>({});
  const [errors, busy, run] = useSubmit();
  const t = useT();
  const firstField = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (channel) firstField.current?.focus();
  }, [channel]);
  const stored = (k: string) => channel?.credentials[k] !== undefined;

  function changeType(next: ChannelType) {
    setType(next);
    setUrl('');
    setValues(Object.fromEntries(CREDENTIALS[next].map((f) => [f.key, ''])));
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const body: Record<string, unknown> = channel ? { name, skillId } : { type, name, skillId };
    const typedUrl = url.trim();
    if (typedUrl) body[urlField.key] = typedUrl;
    else if (channel?.[urlField.key]) body[urlField.key] = null;
    const credentials: Record<string, string | null> = {};
    for (const f of CREDENTIALS[type]) {
      const v = (values[f.key] ?? '').trim();
      if (f.secret === 'stored' && remove[f.key]) credentials[f.key] = null;
      else if (v && (f.secret || v !== channel?.credentials[f.key])) credentials[f.key] = v;
      else if (!v && !f.secret && stored(f.key)) credentials[f.key] = null;
    }
    if (Object.keys(credentials).length) body.credentials = credentials;
    await run(
      async () => {
        const saved = channel
          ? await api.call('PATCH /api/v1/channels/{id}', { params: { id: channel.id }, body: typed(body) })
          : await api.call('POST /api/v1/channels', { body: typed(body) });
        if (!channel) {
          // A fresh form for the next channel, as the other "new" forms do.
          setType('webhook');
          setName('');
          setSkillId('');
          setUrl('');
          setValues({});
        }
        setRemove({});
        onSaved(saved);
      },
      channel ? t('console.channels.saved') : t('console.channels.created'),
    );
  }

  const label = channel ? t('console.channels.editForm', { name: channel.name }) : t('console.channels.new');
  return (
    <form className="console-form wide" onSubmit={submit} aria-label={label} noValidate>
      {channel ? (
        <h4>
          {t('console.channels.editHeading', { name: channel.name })} <span className="muted">({TYPE_NAMES[channel.type]})</span>
        </h4>
      ) : null}
      <div className="console-grid">
        {channel ? null : (
          <Field label={t('console.channels.type')} path="type" errors={errors}>
            <select value={type} onChange={(e) => changeType(e.target.value as ChannelType)}>
              {(Object.keys(TYPE_NAMES) as ChannelType[]).map((ct) => (
                <option key={ct} value={ct}>
                  {TYPE_NAMES[ct]}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field label={t('console.channels.name')} path="name" errors={errors}>
          <input ref={firstField} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </Field>
        <Field label={t('console.channels.skill')} path="skillId" errors={errors}>
          <select value={skillId} onChange={(e) => setSkillId(e.target.value)}>
            <option value="">{t('console.channels.choose')}</option>
            {skills.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field label={t(urlField.label)} path={urlField.key} errors={errors}>
        <input value={url} onChange={(e) => setUrl(e.target.value)} placeholder={urlField.placeholder} inputMode="url" autoComplete="off" dir="ltr" />
      </Field>
      <p className="muted hint">{t(urlField.hint)}</p>
      {CREDENTIALS[type].length ? (
        <fieldset className="field">
          <legend>{t(CREDENTIALS_LEGEND[type] ?? 'console.channels.credentials.meta')}</legend>
          <div className="credential-grid">
            {CREDENTIALS[type].map((f) => (
              <CredentialInput
                key={f.key}
                field={f}
                editing={channel !== undefined}
                stored={f.secret === 'channel' ? channel !== undefined : stored(f.key)}
                value={values[f.key] ?? ''}
                onChange={(v) => setValues({ ...values, [f.key]: v })}
                removing={remove[f.key] === true}
                onRemove={(r) => setRemove({ ...remove, [f.key]: r })}
                errors={errors}
              />
            ))}
          </div>
        </fieldset>
      ) : null}
      <FormError errors={leftovers(errors, type)} />
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy}>
          {channel ? t('console.channels.save') : t('console.channels.create')}
        </button>
        {onCancel ? (
          <button type="button" className="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        ) : null}
      </div>
    </form>
  );
}

/** One credential: plain text, or write-only (whether one is stored, a typed value replaces it, "Remove" sends null). */
function CredentialInput(props: {
  field: CredentialField;
  editing: boolean;
  stored: boolean;
  value: string;
  onChange: (v: string) => void;
  removing: boolean;
  onRemove: (r: boolean) => void;
  errors: FieldErrors;
}) {
  const { field: f, editing, stored, value, onChange, removing, onRemove, errors } = props;
  const t = useT();
  const path = `credentials.${f.key}`;
  if (!f.secret) {
    return (
      <div className="field-wrap">
        <Field label={t(f.label)} path={path} errors={errors}>
          <input
            value={value}
            onChange={(e) => onChange(e.target.value)}
            placeholder={f.placeholderText ? t(f.placeholderText) : f.placeholder}
            autoComplete="off"
            spellCheck={false}
            dir="ltr"
          />
        </Field>
        {f.hint ? <p className="muted hint">{t(f.hint)}</p> : null}
      </div>
    );
  }
  const state =
    f.secret === 'channel'
      ? editing
        ? t('console.channels.state.channelSecret')
        : null
      : stored
        ? t('console.channels.state.stored')
        : editing
          ? t('console.channels.state.none')
          : null;
  return (
    <div className="field-wrap credential">
      <Field label={t(stored && f.replace ? f.replace : f.label)} path={path} errors={errors}>
        <input
          type="password"
          value={value}
          disabled={removing}
          onChange={(e) => onChange(e.target.value)}
          placeholder={stored ? t('console.channels.keepStored') : undefined}
          autoComplete="new-password"
          spellCheck={false}
        />
      </Field>
      {state ? (
        <p className="key-state" data-testid={`credential-state-${f.key}`}>
          {t(f.label)}: <strong>{state}</strong>
          {stored ? <> {t('console.channels.writeOnly')}</> : null}
        </p>
      ) : null}
      {f.secret === 'stored' && stored && f.remove ? (
        <label className="check">
          <input type="checkbox" checked={removing} onChange={(e) => onRemove(e.target.checked)} /> {t(f.remove)}
        </label>
      ) : null}
      {f.hint ? <p className="muted hint">{t(f.hint)}</p> : null}
    </div>
  );
}

/** What a channel sends to, for the table. */
function sendsTo(t: ReturnType<typeof useT>, c: ChannelRow): string {
  if (c.type === 'webhook') return c.outboundUrl ?? t('console.channels.nowhere');
  const base = c.providerBaseUrl ?? URL_FIELD[c.type].placeholder;
  const from = c.type === 'sms' ? (c.credentials.from ?? c.credentials.messagingServiceSid) : undefined;
  return from ? t('console.channels.sendsFrom', { base, from }) : base;
}

export function ChannelsScreen() {
  const [channels, reload] = useList('GET /api/v1/channels');
  const [skills] = useList('GET /api/v1/skills');
  const [editing, setEditing] = useState<string | null>(null);
  const [shown, setShown] = useState<ChannelRow | null>(null);
  const editButtons = useRef(new Map<string, HTMLButtonElement>());
  const edited = channels.find((c) => c.id === editing);
  const t = useT();

  function closeEdit() {
    const id = editing;
    setEditing(null);
    if (id) requestAnimationFrame(() => editButtons.current.get(id)?.focus());
  }
  async function rotate(c: ChannelRow) {
    if (!confirm(t('console.channels.confirmRotate', { name: c.name }))) return;
    try {
      setShown(await api.call('POST /api/v1/channels/{id}/rotate-secret', { params: { id: c.id }, body: {} }));
    } catch (e) {
      toast((e as Error).message, 'error');
    }
  }
  // The secret of an SMS, Messenger, WhatsApp or Instagram channel is the provider's token the manager
  // typed: never shown back. Telegram's is Parley's own, the secret_token to give setWebhook.
  const showSecret = shown?.type === 'webhook' || shown?.type === 'telegram';
  return (
    <section aria-labelledby="console-channels">
      <h3 id="console-channels">{t('console.channels.title')}</h3>
      {shown ? (
        <div className="secret-once" role="status">
          <p>
            <strong>{shown.name}</strong>:{' '}
            {t(
              shown.type === 'webhook'
                ? 'console.channels.once.webhook'
                : shown.type === 'sms'
                  ? 'console.channels.once.sms'
                  : shown.type === 'telegram'
                    ? 'console.channels.once.telegram'
                    : 'console.channels.once.meta',
            )}
          </p>
          <dl className="kv">
            <dt>{t('console.channels.inboundUrl')}</dt>
            <dd>
              <code data-testid="channel-inbound-url" dir="ltr">
                {shown.inboundUrl}
              </code>
            </dd>
            {showSecret ? (
              <>
                <dt>{t('console.channels.secret')}</dt>
                <dd>
                  <code data-testid="channel-secret" dir="ltr">
                    {shown.secret}
                  </code>
                </dd>
              </>
            ) : null}
          </dl>
          <button type="button" className="button" onClick={() => setShown(null)}>
            {t('console.secret.done')}
          </button>
        </div>
      ) : null}
      <ConsoleTable
        label={t('console.channels.title')}
        columns={[
          t('console.channels.col.name'),
          t('console.channels.col.type'),
          t('console.channels.col.skill'),
          t('console.channels.inboundUrl'),
          t('console.channels.col.sendsTo'),
        ]}
        actions
      >
        {channels.map((c) => (
          <tr key={c.id}>
            <td>{c.name}</td>
            <td data-label={t('console.channels.col.type')}>{TYPE_NAMES[c.type]}</td>
            <td data-label={t('console.channels.col.skill')}>{skills.find((s) => s.id === c.skillId)?.name ?? '—'}</td>
            <td data-label={t('console.channels.inboundUrl')}>
              <code dir="ltr">{c.inboundUrl}</code>
            </td>
            <td data-label={t('console.channels.col.sendsTo')}>{sendsTo(t, c)}</td>
            <td className="actions">
              <button
                type="button"
                className="button"
                ref={(el) => {
                  if (el) editButtons.current.set(c.id, el);
                  else editButtons.current.delete(c.id);
                }}
                aria-expanded={editing === c.id}
                onClick={() => (editing === c.id ? closeEdit() : setEditing(c.id))}
                aria-label={t('console.channels.editLabel', { name: c.name })}
              >
                {t('console.channels.edit')}
              </button>{' '}
              {c.type === 'webhook' || c.type === 'telegram' ? (
                <button type="button" className="button" onClick={() => void rotate(c)} aria-label={t('console.channels.rotateLabel', { name: c.name })}>
                  {t('console.channels.rotate')}
                </button>
              ) : null}
            </td>
          </tr>
        ))}
      </ConsoleTable>
      {edited ? (
        <ChannelForm
          key={edited.id}
          channel={edited}
          skills={skills}
          onSaved={() => {
            closeEdit();
            reload();
          }}
          onCancel={closeEdit}
        />
      ) : null}
      {edited?.type === 'whatsapp' ? <ChannelTemplates channelId={edited.id} channelName={edited.name} /> : null}
      <h4>{t('console.channels.new')}</h4>
      <ChannelForm
        skills={skills}
        onSaved={(c) => {
          setShown(c);
          reload();
        }}
      />
    </section>
  );
}
