import type { ChannelType, MessagingChannel } from '@parley/contract';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { toast } from '../../app/store.js';
import { api } from '../../lib/api.js';
import { Field, type FieldErrors, FormError, typed, useSubmit } from './forms.js';
import { type SkillRow, useList } from './list.js';
import { ConsoleTable } from './table.js';

type ChannelRow = MessagingChannel & { secret?: string };

/**
 * A provider credential as the form shows it. `secret: 'channel'` is the key that *is* the channel
 * secret (the provider signs with it): write-only, replaced by typing a new one, never removed
 * (`PATCH` refuses it). `secret: 'stored'` is write-only too, shown as stored or not, and removable.
 */
interface CredentialField {
  key: string;
  label: string;
  /** The label while one is stored (write-only keys). */
  replace?: string;
  secret?: 'channel' | 'stored';
  placeholder?: string;
  hint?: string;
}

/** Every key the channels API takes per type (the server's adapters: channels/sms.ts, channels/messenger.ts). */
const CREDENTIALS: Record<ChannelType, CredentialField[]> = {
  sms: [
    { key: 'accountSid', label: 'Account SID', placeholder: 'AC…' },
    {
      key: 'authToken',
      label: 'Auth token',
      replace: 'Replace the auth token',
      secret: 'channel',
      hint: 'Twilio signs its webhooks with it, so it becomes the channel secret (at least 16 characters).',
    },
    { key: 'from', label: 'Sender number', placeholder: '+15551234567', hint: 'Empty: the number Twilio last reported as "To".' },
    { key: 'messagingServiceSid', label: 'Messaging service SID', placeholder: 'MG…', hint: 'Sends through a messaging service instead of the sender number.' },
  ],
  messenger: [
    {
      key: 'appSecret',
      label: 'App secret',
      replace: 'Replace the app secret',
      secret: 'channel',
      hint: 'Meta signs its webhooks with it, so it becomes the channel secret (at least 16 characters).',
    },
    { key: 'pageAccessToken', label: 'Page access token', replace: 'Replace the page access token', secret: 'stored' },
    {
      key: 'verifyToken',
      label: 'Verify token',
      replace: 'Replace the verify token',
      secret: 'stored',
      hint: "What you type in Meta's webhook settings. None stored: the channel secret.",
    },
    { key: 'apiVersion', label: 'Graph API version', placeholder: 'v21.0' },
  ],
  webhook: [],
  whatsapp: [
    {
      key: 'appSecret',
      label: 'App secret',
      replace: 'Replace the app secret',
      secret: 'channel',
      hint: 'Meta signs its webhooks with it, so it becomes the channel secret (at least 16 characters).',
    },
    { key: 'phoneNumberId', label: 'Phone number ID', placeholder: '106540352242922' },
    {
      key: 'accessToken',
      label: 'Access token',
      replace: 'Replace the access token',
      secret: 'stored',
      hint: 'A system user token with whatsapp_business_messaging.',
    },
    {
      key: 'verifyToken',
      label: 'Verify token',
      replace: 'Replace the verify token',
      secret: 'stored',
      hint: "What you type in Meta's webhook settings. None stored: the channel secret.",
    },
    { key: 'apiVersion', label: 'Graph API version', placeholder: 'v21.0' },
  ],
  instagram: [
    {
      key: 'appSecret',
      label: 'App secret',
      replace: 'Replace the app secret',
      secret: 'channel',
      hint: 'Meta signs its webhooks with it, so it becomes the channel secret (at least 16 characters).',
    },
    { key: 'pageAccessToken', label: 'Page access token', replace: 'Replace the page access token', secret: 'stored' },
    {
      key: 'verifyToken',
      label: 'Verify token',
      replace: 'Replace the verify token',
      secret: 'stored',
      hint: "What you type in Meta's webhook settings. None stored: the channel secret.",
    },
    { key: 'pageId', label: 'Page ID', placeholder: 'Empty: me' },
    { key: 'apiVersion', label: 'Graph API version', placeholder: 'v21.0' },
  ],
  telegram: [{ key: 'botToken', label: 'Bot token', replace: 'Replace the bot token', secret: 'stored', hint: 'From @BotFather.' }],
};

/** Where agent messages go: the brand's URL for a webhook channel, the provider's API (with its default) otherwise. */
const URL_FIELD: Record<ChannelType, { key: 'outboundUrl' | 'providerBaseUrl'; label: string; placeholder: string; hint: string }> = {
  webhook: { key: 'outboundUrl', label: 'Outbound URL', placeholder: 'https://…', hint: 'Agent messages are posted here, signed with the channel secret.' },
  sms: {
    key: 'providerBaseUrl',
    label: 'Provider base URL',
    placeholder: 'https://api.twilio.com',
    hint: 'Empty: Twilio. A compatible gateway or a test server otherwise.',
  },
  messenger: {
    key: 'providerBaseUrl',
    label: 'Provider base URL',
    placeholder: 'https://graph.facebook.com',
    hint: 'Empty: Meta’s Graph API. A compatible gateway or a test server otherwise.',
  },
  whatsapp: {
    key: 'providerBaseUrl',
    label: 'Provider base URL',
    placeholder: 'https://graph.facebook.com',
    hint: 'Empty: Meta’s Graph API. A compatible gateway or a test server otherwise.',
  },
  instagram: {
    key: 'providerBaseUrl',
    label: 'Provider base URL',
    placeholder: 'https://graph.facebook.com',
    hint: 'Empty: Meta’s Graph API. A compatible gateway or a test server otherwise.',
  },
  telegram: {
    key: 'providerBaseUrl',
    label: 'Provider base URL',
    placeholder: 'https://api.telegram.org',
    hint: 'Empty: the Telegram Bot API. A local Bot API server or a test server otherwise.',
  },
};

const TYPE_NAMES: Record<ChannelType, string> = {
  webhook: 'Webhook',
  sms: 'SMS',
  messenger: 'Messenger',
  whatsapp: 'WhatsApp',
  instagram: 'Instagram',
  telegram: 'Telegram',
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
      channel ? 'Channel saved' : 'Channel created',
    );
  }

  const label = channel ? `Edit channel ${channel.name}` : 'New channel';
  return (
    <form className="console-form wide" onSubmit={submit} aria-label={label} noValidate>
      {channel ? (
        <h4>
          Edit {channel.name} <span className="muted">({TYPE_NAMES[channel.type]})</span>
        </h4>
      ) : null}
      <div className="console-grid">
        {channel ? null : (
          <Field label="Type" path="type" errors={errors}>
            <select value={type} onChange={(e) => changeType(e.target.value as ChannelType)}>
              {(Object.keys(TYPE_NAMES) as ChannelType[]).map((t) => (
                <option key={t} value={t}>
                  {TYPE_NAMES[t]}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field label="Channel name" path="name" errors={errors}>
          <input ref={firstField} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </Field>
        <Field label="Skill" path="skillId" errors={errors}>
          <select value={skillId} onChange={(e) => setSkillId(e.target.value)}>
            <option value="">Choose…</option>
            {skills.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field label={urlField.label} path={urlField.key} errors={errors}>
        <input value={url} onChange={(e) => setUrl(e.target.value)} placeholder={urlField.placeholder} inputMode="url" autoComplete="off" />
      </Field>
      <p className="muted hint">{urlField.hint}</p>
      {CREDENTIALS[type].length ? (
        <fieldset className="field">
          <legend>{type === 'sms' ? 'Twilio credentials' : 'Meta credentials'}</legend>
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
          {channel ? 'Save channel' : 'Create channel'}
        </button>
        {onCancel ? (
          <button type="button" className="button" onClick={onCancel}>
            Cancel
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
  const path = `credentials.${f.key}`;
  if (!f.secret) {
    return (
      <div className="field-wrap">
        <Field label={f.label} path={path} errors={errors}>
          <input value={value} onChange={(e) => onChange(e.target.value)} placeholder={f.placeholder} autoComplete="off" spellCheck={false} />
        </Field>
        {f.hint ? <p className="muted hint">{f.hint}</p> : null}
      </div>
    );
  }
  const state = f.secret === 'channel' ? (editing ? 'stored as the channel secret' : null) : stored ? 'stored' : editing ? 'none stored' : null;
  return (
    <div className="field-wrap credential">
      <Field label={stored && f.replace ? f.replace : f.label} path={path} errors={errors}>
        <input
          type="password"
          value={value}
          disabled={removing}
          onChange={(e) => onChange(e.target.value)}
          placeholder={stored ? 'Empty: keep the stored one' : undefined}
          autoComplete="new-password"
          spellCheck={false}
        />
      </Field>
      {state ? (
        <p className="key-state" data-testid={`credential-state-${f.key}`}>
          {f.label}: <strong>{state}</strong>
          {stored ? ' (write-only: it is never shown)' : ''}
        </p>
      ) : null}
      {f.secret === 'stored' && stored ? (
        <label className="check">
          <input type="checkbox" checked={removing} onChange={(e) => onRemove(e.target.checked)} /> Remove the stored {f.label.toLowerCase()}
        </label>
      ) : null}
      {f.hint ? <p className="muted hint">{f.hint}</p> : null}
    </div>
  );
}

/** What a channel sends to, for the table. */
function sendsTo(c: ChannelRow): string {
  if (c.type === 'webhook') return c.outboundUrl ?? 'nowhere (no outbound URL)';
  const base = c.providerBaseUrl ?? URL_FIELD[c.type].placeholder;
  const from = c.type === 'sms' ? (c.credentials.from ?? c.credentials.messagingServiceSid) : undefined;
  return from ? `${base}, from ${from}` : base;
}

export function ChannelsScreen() {
  const [channels, reload] = useList('GET /api/v1/channels');
  const [skills] = useList('GET /api/v1/skills');
  const [editing, setEditing] = useState<string | null>(null);
  const [shown, setShown] = useState<ChannelRow | null>(null);
  const editButtons = useRef(new Map<string, HTMLButtonElement>());
  const edited = channels.find((c) => c.id === editing);

  function closeEdit() {
    const id = editing;
    setEditing(null);
    if (id) requestAnimationFrame(() => editButtons.current.get(id)?.focus());
  }
  async function rotate(c: ChannelRow) {
    if (!confirm(`Rotate the secret of ${c.name}? The old one stops working.`)) return;
    try {
      setShown(await api.call('POST /api/v1/channels/{id}/rotate-secret', { params: { id: c.id }, body: {} }));
    } catch (e) {
      toast((e as Error).message, 'error');
    }
  }
  // The secret of an SMS or Messenger channel is the provider's token the manager typed: never shown back.
  const showSecret = shown?.type === 'webhook';
  return (
    <section aria-labelledby="console-channels">
      <h3 id="console-channels">Channels</h3>
      {shown ? (
        <div className="secret-once" role="status">
          <p>
            <strong>{shown.name}</strong>:{' '}
            {showSecret
              ? 'copy the secret now, it is shown only once.'
              : shown.type === 'sms'
                ? 'paste the inbound URL into the number\'s "A message comes in" webhook (HTTP POST) in the Twilio console.'
                : "use the inbound URL as the callback URL in the app's Messenger webhook settings, with the verify token."}
          </p>
          <dl className="kv">
            <dt>Inbound URL</dt>
            <dd>
              <code data-testid="channel-inbound-url">{shown.inboundUrl}</code>
            </dd>
            {showSecret ? (
              <>
                <dt>Secret</dt>
                <dd>
                  <code data-testid="channel-secret">{shown.secret}</code>
                </dd>
              </>
            ) : null}
          </dl>
          <button type="button" className="button" onClick={() => setShown(null)}>
            Done
          </button>
        </div>
      ) : null}
      <ConsoleTable label="Channels" columns={['Name', 'Type', 'Skill', 'Inbound URL', 'Sends to']} actions>
        {channels.map((c) => (
          <tr key={c.id}>
            <td>{c.name}</td>
            <td data-label="Type">{TYPE_NAMES[c.type]}</td>
            <td data-label="Skill">{skills.find((s) => s.id === c.skillId)?.name ?? '—'}</td>
            <td data-label="Inbound URL">
              <code>{c.inboundUrl}</code>
            </td>
            <td data-label="Sends to">{sendsTo(c)}</td>
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
                aria-label={`Edit ${c.name}`}
              >
                Edit
              </button>{' '}
              {c.type === 'webhook' ? (
                <button type="button" className="button" onClick={() => void rotate(c)} aria-label={`Rotate the secret of ${c.name}`}>
                  Rotate secret
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
      <h4>New channel</h4>
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
