import type { StatusReason } from '@parley/contract';
import { useState } from 'react';
import { api } from '../../lib/api.js';
import { Field, typed } from './forms.js';
import { useList } from './list.js';
import { NamedForm, NamedListScreen } from './named-list.js';

const UNDER: Record<StatusReason['status'], string> = { away: 'Away', back_soon: 'Back soon' };

function ReasonForm({ reason, onDone }: { reason?: StatusReason; onDone: () => void }) {
  const [name, setName] = useState(reason?.name ?? '');
  const [status, setStatus] = useState<StatusReason['status']>(reason?.status ?? 'away');
  return (
    <NamedForm
      label={reason ? `Edit status reason ${reason.name}` : 'New status reason'}
      submit={reason ? 'Save reason' : 'Add reason'}
      saved={reason ? 'Status reason saved' : 'Status reason added'}
      save={() =>
        reason
          ? api.call('PATCH /api/v1/status-reasons/{id}', { params: { id: reason.id }, body: typed({ name, status }) })
          : api.call('POST /api/v1/status-reasons', { body: typed({ name, status }) })
      }
      reset={() => setName('')}
      onDone={onDone}
      fields={(errors) => (
        <div className="console-grid">
          <Field label="Reason name" path="name" errors={errors}>
            <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Lunch, Training, Meeting…" />
          </Field>
          <Field label="Under" path="status" errors={errors}>
            <select value={status} onChange={(e) => setStatus(e.target.value as StatusReason['status'])}>
              <option value="away">Away</option>
              <option value="back_soon">Back soon</option>
            </select>
          </Field>
        </div>
      )}
    />
  );
}

/** The reasons agents pick under Away and Back soon in their status menu. */
export function StatusReasonsScreen() {
  const [rows, reload] = useList('GET /api/v1/status-reasons');
  const sorted = [...rows].sort((a, b) => a.status.localeCompare(b.status) || a.name.localeCompare(b.name));
  return (
    <NamedListScreen
      id="console-status-reasons"
      title="Status reasons"
      intro="Agents choose these under Away or Back soon in their status menu; the dashboard and the agent-states report show them."
      label="Status reasons"
      noun="status reason"
      empty="No status reasons yet: agents set Away and Back soon without one."
      rows={sorted}
      reload={reload}
      columns={[{ header: 'Under', cell: (r) => UNDER[r.status] }]}
      remove={(r) => api.call('DELETE /api/v1/status-reasons/{id}', { params: { id: r.id } })}
      newTitle="New status reason"
      form={(r, onDone) => <ReasonForm reason={r} onDone={onDone} />}
    />
  );
}
