import { nameOf } from '../../app/directory.js';
import { useStore } from '../../app/store.js';
import { formatDateTime } from '../../lib/format.js';
import { closedByPhrase } from '../../lib/people.js';
import { CHANNEL_LABEL, type ConversationDetails, type Directory, STATUS_LABEL } from '../../lib/types.js';

export function ConsumerInfo({ details, directory }: { details: ConversationDetails | null; directory: Directory | null }) {
  const prefs = useStore((s) => s.datePrefs);
  const meId = useStore((s) => s.session?.user.id ?? null);
  if (!details) return <p className="muted pad">Loading…</p>;
  const closedBy = closedByPhrase(details, meId);
  const vars = Object.entries(details.consumer.customVariables ?? {});
  const skill = directory?.skills.find((s) => s.id === details.skillId)?.displayName ?? details.skillId ?? '—';
  return (
    <div className="info pad">
      <h3>Consumer</h3>
      <dl className="kv">
        <dt>Name</dt>
        <dd>{details.consumer.name}</dd>
        <dt>Channel</dt>
        <dd>{CHANNEL_LABEL[details.consumer.channel]}</dd>
        <dt>Skill</dt>
        <dd>{skill}</dd>
        <dt>Started</dt>
        <dd>{formatDateTime(details.createdAt, prefs)}</dd>
        {details.closedAt ? (
          <>
            <dt>Closed</dt>
            <dd>
              {formatDateTime(details.closedAt, prefs)}
              {closedBy ? ` ${closedBy}` : ''}
            </dd>
          </>
        ) : null}
        <dt>First contact</dt>
        <dd>{details.firstTime ? 'Yes' : 'No, a returning consumer'}</dd>
        {details.urgent ? (
          <>
            <dt>Urgent</dt>
            <dd>Marked urgent by the consumer</dd>
          </>
        ) : null}
      </dl>
      <h3>Custom variables</h3>
      {vars.length === 0 ? (
        <p className="muted">None collected.</p>
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

const OUTCOME: Record<string, string> = { assigned: 'Assigned', offered: 'Offered (ring)', waiting: 'Waiting in the queue' };

/** "Why me": the routing decision recorded for the current assignment. */
export function WhyMe({ details, directory }: { details: ConversationDetails | null; directory: Directory | null }) {
  const prefs = useStore((s) => s.datePrefs);
  if (!details) return <p className="muted pad">Loading…</p>;
  const r = details.routing;
  return (
    <section className="why pad" aria-labelledby={`why-${details.id}`}>
      <h3 id={`why-${details.id}`}>Why this conversation came to you</h3>
      {!r ? (
        <p className="muted">No routing decision recorded (the conversation was resumed or transferred to you directly).</p>
      ) : (
        <>
          <p>
            <strong>{OUTCOME[r.outcome] ?? r.outcome}</strong> to {nameOf(directory, r.agentId)} by rule <code>{r.rule}</code> at {formatDateTime(r.at, prefs)}.
          </p>
          {r.candidates.length > 0 ? (
            <table className="table">
              <caption className="sr-only">Agents considered</caption>
              <thead>
                <tr>
                  <th scope="col">Agent</th>
                  <th scope="col">Status</th>
                  <th scope="col">Load</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {r.candidates.map((c) => (
                  <tr key={c.agentId} className={c.agentId === r.agentId ? 'chosen' : undefined}>
                    <td>{nameOf(directory, c.agentId)}</td>
                    <td>{STATUS_LABEL[c.status as keyof typeof STATUS_LABEL] ?? c.status}</td>
                    <td>
                      {c.load}/{c.capacity}
                    </td>
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
