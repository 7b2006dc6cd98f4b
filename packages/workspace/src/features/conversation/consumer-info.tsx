import { nameOf } from '../../app/directory.js';
import { useStore } from '../../app/store.js';
import { currentIntl, t, useT } from '../../i18n/index.js';
import { formatDateTime } from '../../lib/format.js';
import { closedByPhrase } from '../../lib/people.js';
import { CHANNEL_LABEL, type ConversationDetails, type Directory, STATUS_LABEL } from '../../lib/types.js';

export function ConsumerInfo({ details, directory }: { details: ConversationDetails | null; directory: Directory | null }) {
  const prefs = useStore((s) => s.datePrefs);
  const meId = useStore((s) => s.session?.user.id ?? null);
  useT();
  if (!details) return <p className="muted pad">{t('common.loading')}</p>;
  const closedBy = closedByPhrase(details, meId);
  const vars = Object.entries(details.consumer.customVariables ?? {});
  const skill = directory?.skills.find((s) => s.id === details.skillId)?.displayName ?? details.skillId ?? '—';
  return (
    <div className="info pad">
      <h3>{t('info.consumer')}</h3>
      <dl className="kv">
        <dt>{t('settings.name')}</dt>
        <dd>{details.consumer.name}</dd>
        <dt>{t('info.channel')}</dt>
        <dd>{CHANNEL_LABEL[details.consumer.channel]}</dd>
        <dt>{t('info.skill')}</dt>
        <dd>{skill}</dd>
        <dt>{t('info.started')}</dt>
        <dd>{formatDateTime(details.createdAt, prefs)}</dd>
        {details.closedAt ? (
          <>
            <dt>{t('rowStatus.closed')}</dt>
            <dd>
              {formatDateTime(details.closedAt, prefs)}
              {closedBy ? ` ${closedBy}` : ''}
            </dd>
          </>
        ) : null}
        <dt>{t('info.firstContact')}</dt>
        <dd>{details.firstTime ? t('info.firstContact.yes') : t('info.firstContact.no')}</dd>
        {details.urgent ? (
          <>
            <dt>{t('row.urgent')}</dt>
            <dd>{t('info.urgent')}</dd>
          </>
        ) : null}
      </dl>
      <h3>{t('info.variables')}</h3>
      {vars.length === 0 ? (
        <p className="muted">{t('info.variables.none')}</p>
      ) : (
        <dl className="kv">
          {vars.map(([k, v]) => (
            <div key={k} className="kv-row">
              <dt>{k}</dt>
              <dd>{String(v)}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

const OUTCOME: Record<string, () => string> = {
  assigned: () => t('why.assigned'),
  offered: () => t('why.offered'),
  waiting: () => t('why.waiting'),
};

/** "Why me": the routing decision recorded for the current assignment. */
export function WhyMe({ details, directory }: { details: ConversationDetails | null; directory: Directory | null }) {
  const prefs = useStore((s) => s.datePrefs);
  useT();
  if (!details) return <p className="muted pad">{t('common.loading')}</p>;
  const r = details.routing;
  return (
    <section className="why pad" aria-labelledby={`why-${details.id}`}>
      <h3 id={`why-${details.id}`}>{t('why.title')}</h3>
      {!r ? (
        <p className="muted">{t('why.none')}</p>
      ) : (
        <>
          <p>
            {currentIntl().formatMessage(
              { id: 'why.decision' },
              {
                outcome: OUTCOME[r.outcome]?.() ?? r.outcome,
                agent: nameOf(directory, r.agentId),
                rule: r.rule,
                at: formatDateTime(r.at, prefs),
                b: (chunks) => <strong key="b">{chunks}</strong>,
                code: (chunks) => <code key="code">{chunks}</code>,
              },
            )}
          </p>
          {r.candidates.length > 0 ? (
            <table className="table">
              <caption className="sr-only">{t('why.considered')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('role.agent')}</th>
                  <th scope="col">{t('settings.status')}</th>
                  <th scope="col">{t('why.load')}</th>
                  <th scope="col">{t('why.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {r.candidates.map((c) => (
                  <tr key={c.agentId} className={c.agentId === r.agentId ? 'chosen' : undefined}>
                    <td>{nameOf(directory, c.agentId)}</td>
                    <td>{STATUS_LABEL[c.status as keyof typeof STATUS_LABEL] ?? c.status}</td>
                    {/* not counted (an agent who could not take it: away, offline): the load did not matter */}
                    <td>{c.load === null ? '—' : `${c.load}/${c.capacity}`}</td>
                    <td>
                      {c.eligible ? '✓ ' : '✗ '}
                      {c.why}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </>
      )}
    </section>
  );
}
