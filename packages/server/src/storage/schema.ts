/** Row shapes as stored (snake_case). Times are epoch-ms integers, flags 0/1, JSON as text. */
export interface AccountsTable {
  id: string;
  name: string;
  settings: string;
  identity_secret: string;
  created_at: number;
}
export interface UsersTable {
  id: string;
  account_id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: string;
  max_concurrent: number;
  status: string;
  active: number;
  settings: string;
  last_assigned_at: number | null;
  warmup_started_at: number | null;
  status_changed_at: number;
  created_at: number;
}
export interface UserSkillsTable {
  account_id: string;
  user_id: string;
  skill_id: string;
}
export interface SkillsTable {
  id: string;
  account_id: string;
  name: string;
  description: string;
  overrides: string;
  deleted: number;
  created_at: number;
}
export interface AuthTokensTable {
  token_hash: string;
  account_id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}
export interface LoginFailuresTable {
  account_id: string;
  username: string;
  failed_at: number;
  /** The client address of the attempt; null on rows stored before 2026_12_02_0009. */
  client_address: string | null;
}
export interface ConsumersTable {
  id: string;
  account_id: string;
  channel: string;
  channel_id: string | null;
  external_id: string | null;
  name: string;
  custom_variables: string;
  last_agent_id: string | null;
  created_at: number;
  /** When the consumer was erased (migration 0016); null: never. */
  erased_at: number | null;
  /** The BCP 47 tag the consumer's widget speaks (migration 0046); null: the account's default. */
  language: string | null;
}
export interface ConsumerSessionsTable {
  token_hash: string;
  account_id: string;
  consumer_id: string;
  created_at: number;
  expires_at: number;
}
export interface ConversationsTable {
  id: string;
  account_id: string;
  consumer_id: string;
  channel: string;
  channel_id: string | null;
  skill_id: string | null;
  state: string;
  agent_id: string | null;
  last_agent_id: string | null;
  awaiting: string;
  awaiting_since: number;
  priority: number;
  urgent: number;
  first_time: number;
  sla_due_at: number | null;
  manual_sla_at: number | null;
  actionable: number;
  closed_by: string | null;
  /** The user who closed it, and their display name then (see migration 0011). */
  closed_by_id: string | null;
  closed_by_name: string | null;
  closed_at: number | null;
  dismissed: number;
  created_at: number;
  queued_at: number | null;
  assigned_at: number | null;
  last_seq: number;
  last_message_text: string | null;
  last_message_sender: string | null;
  /** The author of the last message, and an agent's display name then (see migration 0011). */
  last_message_sender_id: string | null;
  last_message_sender_name: string | null;
  last_message_at: number | null;
  agent_unread: number;
  first_response_at: number | null;
  /** The agent who sent the first agent message (see migration 0008). */
  first_response_agent_id: string | null;
  routing: string | null;
  /** Digest of `routing` without its time (see migration 0007). */
  routing_key: string | null;
  target_agent_id: string | null;
  offered_at: number | null;
  offer_excluded: string;
  updated_at: number;
  /** The bot that took it first, whether it still has it ('handling' | 'escalated'), its reply time then (migration 0033). */
  bot_id: string | null;
  bot_status: string | null;
  bot_timeout_sec: number | null;
}
export interface MessagesTable {
  id: string;
  account_id: string;
  conversation_id: string;
  seq: number;
  sender_type: string;
  sender_id: string | null;
  text: string | null;
  file: string | null;
  client_message_id: string | null;
  created_at: number;
  /** Outbound delivery status for channel messages: 'queued' | 'sent' | 'delivered' | 'read' | 'failed'; null for web. */
  delivery: string | null;
  /** JSON `[{ title, payload? }]` (migration 0029). */
  quick_replies: string | null;
  /** JSON `{ payload }`. */
  quick_reply: string | null;
  /** JSON `{ name, language, params }`. */
  template: string | null;
  delivery_error: string | null;
}
export interface EventsTable {
  account_id: string;
  recipient_kind: string;
  recipient_id: string;
  seq: number;
  type: string;
  data: string;
  at: number;
}
export interface EventCursorsTable {
  account_id: string;
  recipient_kind: string;
  recipient_id: string;
  last_seq: number;
}
export interface TimersTable {
  account_id: string;
  kind: string;
  subject_id: string;
  due_at: number;
  payload: string;
  claimed_until: number | null;
}

export interface ContentCategoriesTable {
  id: string;
  account_id: string;
  name: string;
  position: number;
  created_at: number;
}
export interface ContentTable {
  id: string;
  account_id: string;
  category_id: string | null;
  title: string;
  text: string;
  /** JSON `[{ title, payload? }]` (migration 0030). */
  quick_replies: string | null;
  position: number;
  created_at: number;
  updated_at: number;
}
export interface NotesTable {
  id: string;
  account_id: string;
  conversation_id: string;
  author_id: string;
  text: string;
  mentions: string;
  created_at: number;
}
export interface NotificationsTable {
  id: string;
  account_id: string;
  user_id: string;
  type: string;
  data: string;
  read_at: number | null;
  created_at: number;
}

export interface ChannelsTable {
  id: string;
  account_id: string;
  type: string;
  name: string;
  skill_id: string | null;
  secret: string;
  outbound_url: string | null;
  provider_base_url: string | null;
  credentials: string;
  address: string | null;
  created_at: number;
  updated_at: number;
}
export interface ChannelEventsTable {
  channel_id: string;
  event_id: string;
  account_id: string;
  created_at: number;
}
export interface ChannelTemplatesTable {
  id: string;
  account_id: string;
  channel_id: string;
  name: string;
  language: string;
  params: number;
  created_at: number;
}
export interface ProviderMessagesTable {
  channel_id: string;
  provider_id: string;
  account_id: string;
  message_id: string | null;
  status: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
}
export interface FilesTable {
  id: string;
  account_id: string;
  conversation_id: string;
  name: string;
  content_type: string;
  size: number;
  storage_key: string;
  uploaded_by_kind: string;
  uploaded_by_id: string;
  created_at: number;
}
export interface SurveysTable {
  id: string;
  account_id: string;
  conversation_id: string;
  consumer_id: string;
  agent_id: string | null;
  skill_id: string | null;
  channel: string;
  closed_by: string;
  questions: string;
  status: string;
  answers: string;
  requested_at: number;
  expires_at: number;
  answered_at: number | null;
}
export interface SurveyAnswersTable {
  survey_id: string;
  question_id: string;
  account_id: string;
  agent_id: string | null;
  skill_id: string | null;
  type: string;
  int_value: number | null;
  text_value: string | null;
  answered_at: number;
}
export interface ServerKeysTable {
  name: string;
  value: string;
  created_at: number;
}

export interface CrmCredentialsTable {
  account_id: string;
  provider: string;
  private_key: string;
  updated_at: number;
}
/** The write-only client secret of an account's OpenID provider (migration 0019). */
export interface SsoCredentialsTable {
  account_id: string;
  provider: string;
  client_secret: string;
  updated_at: number;
}
/** An OIDC sign-in under way, keyed by its `state`; used once. */
export interface SsoFlowsTable {
  state: string;
  account_id: string;
  code_verifier: string;
  nonce: string;
  popup: number;
  created_at: number;
  expires_at: number;
}
/** A one-time code the OIDC callback hands the workspace (its SHA-256), exchanged for a token. */
export interface SsoHandoffsTable {
  code_hash: string;
  account_id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
}
/** Durable jobs of every kind (channel deliveries, CRM sync, …): storage/repos/jobs.repo.ts, ADR 12. */
export interface JobsTable {
  id: string;
  account_id: string;
  kind: string;
  ordering_key: string;
  position: number;
  payload: string;
  state: string;
  attempts: number;
  next_at: number;
  lease_until: number | null;
  lease_token: string | null;
  last_error: string | null;
  last_status: number | null;
  result: string | null;
  queued_at: number;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}
/** The append-only audit log (storage/repos/audit.repo.ts, services/audit.service.ts). */
export interface AuditLogTable {
  id: string;
  account_id: string;
  at: number;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  details: string;
}
/** Per-scope data keys, wrapped by the master key (storage/secrets.ts). */
export interface DataKeysTable {
  scope: string;
  master_id: string;
  wrapped: string;
  created_at: number;
}

/** The daily report's figures of conversations deleted by retention, per UTC hour of arrival (migration 0016). */
export interface ReportHoursTable {
  account_id: string;
  hour_start: number;
  arrivals: number;
  responded: number;
  response_ms: number;
  met: number;
  late_unanswered: number;
}

export interface ClosedHoursRepliesTable {
  conversation_id: string;
  account_id: string;
  sent_at: number;
}

export interface StatusReasonsTable {
  id: string;
  account_id: string;
  name: string;
  status: string;
  deleted: number;
  created_at: number;
}

export interface AgentStatesTable {
  id: string;
  account_id: string;
  user_id: string;
  status: string;
  reason_id: string | null;
  started_at: number;
  ended_at: number | null;
}

export interface DispositionsTable {
  id: string;
  account_id: string;
  name: string;
  deleted: number;
  created_at: number;
}

export interface ConversationWrapUpsTable {
  conversation_id: string;
  account_id: string;
  disposition_ids: string;
  note: string | null;
  closed_at: number;
}

export interface LabelsTable {
  id: string;
  account_id: string;
  name: string;
  color: string;
  deleted: number;
  created_at: number;
}

export interface ConversationLabelsTable {
  conversation_id: string;
  label_id: string;
  account_id: string;
  added_at: number;
}

/** API keys (storage/repos/api-keys.repo.ts): only the key's SHA-256 is stored. */
export interface ApiKeysTable {
  id: string;
  account_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  /** JSON array of scopes */
  scopes: string;
  created_by: string;
  created_at: number;
  revoked_at: number | null;
  /** A bot's own key (migration 0033): it acts as that bot. */
  bot_id: string | null;
}
/** Bots (storage/repos/bots.repo.ts, migration 0033); their turns are `jobs` of kind `bot`. */
export interface BotsTable {
  id: string;
  account_id: string;
  name: string;
  url: string;
  /** JSON array of skill ids */
  skill_ids: string;
  timeout_sec: number;
  secret: string;
  key_prefix: string;
  created_by: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}
/** Outbound webhooks (storage/repos/webhooks.repo.ts); their deliveries are `jobs` of kind `webhook`. */
export interface WebhooksTable {
  id: string;
  account_id: string;
  url: string;
  /** JSON array of event types */
  events: string;
  active: number;
  disabled_reason: string | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: number | null;
  failing_since: number | null;
  created_at: number;
  updated_at: number;
}
export interface DB {
  files: FilesTable;
  surveys: SurveysTable;
  survey_answers: SurveyAnswersTable;
  server_keys: ServerKeysTable;
  content_categories: ContentCategoriesTable;
  content: ContentTable;
  notes: NotesTable;
  notifications: NotificationsTable;
  accounts: AccountsTable;
  users: UsersTable;
  user_skills: UserSkillsTable;
  skills: SkillsTable;
  auth_tokens: AuthTokensTable;
  login_failures: LoginFailuresTable;
  consumers: ConsumersTable;
  consumer_sessions: ConsumerSessionsTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  events: EventsTable;
  event_cursors: EventCursorsTable;
  timers: TimersTable;
  channels: ChannelsTable;
  channel_events: ChannelEventsTable;
  channel_templates: ChannelTemplatesTable;
  provider_messages: ProviderMessagesTable;
  crm_credentials: CrmCredentialsTable;
  jobs: JobsTable;
  report_hours: ReportHoursTable;
  audit_log: AuditLogTable;
  data_keys: DataKeysTable;
  sso_credentials: SsoCredentialsTable;
  sso_flows: SsoFlowsTable;
  sso_handoffs: SsoHandoffsTable;
  closed_hours_replies: ClosedHoursRepliesTable;
  status_reasons: StatusReasonsTable;
  agent_states: AgentStatesTable;
  dispositions: DispositionsTable;
  conversation_wrap_ups: ConversationWrapUpsTable;
  labels: LabelsTable;
  conversation_labels: ConversationLabelsTable;
  api_keys: ApiKeysTable;
  webhooks: WebhooksTable;
  bots: BotsTable;
}
