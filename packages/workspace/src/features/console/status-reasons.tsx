import type { StatusReason } from '@parley/contract';
import { useState } from 'react';
import { useT } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { Field, typed } from './forms.js';
import { useList } from './list.js';
import { NamedForm, NamedListScreen } from './named-list.js';

function ReasonForm({ reason, onDone }: { reason?: StatusReason; onDone: () => void }) {
  const [name, setName] = useState(reason?.name ?? '');
  const [status, setStatus] = useState<StatusReason['status']>(reason?.status ?? 'away');
  const t = useT();
  return (
    <NamedForm
      label={reason ? t('console.reasons.edit', { name: reason.name }) : t('console.reasons.new')}
      submit={reason ? t('console.reasons.save') : t('console.reasons.add')}
      saved={reason ? t('console.reasons.saved') : t('console.reasons.added')}
      save={() =>
        reason
          ? api.call('PATCH /api/v1/status-reasons/{id}', { params: { id: reason.id }, body: typed({ name, status }) })
          : api.call('POST /api/v1/status-reasons', { body: typed({ name, status }) })
      }
      reset={() => setName('')}
      onDone={onDone}
      fields={(errors) => (
        <div className="console-grid">
          <Field label={t('console.reasons.name')} path="name" errors={errors}>
            <input value={name} onChange={(e) => setName(e.target.value)} placeholder={t('console.reasons.namePlaceholder')} />
          </Field>
          <Field label={t('console.reasons.under')} path="status" errors={errors}>
            <select value={status} onChange={(e) => setStatus(e.target.value as StatusReason['status'])}>
              <option value="away">{t('status.away')}</option>
              <option value="back_soon">{t('status.back_soon')}</option>
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
  const t = useT();
  const sorted = [...rows].sort((a, b) => a.status.localeCompare(b.status) || a.name.localeCompare(b.name));
  return (
    <NamedListScreen
      id="console-status-reasons"
      title={t('console.reasons.title')}
      intro={t('console.reasons.intro')}
      label={t('console.reasons.title')}
      confirmDelete={(r) => t('console.reasons.confirmDelete', { name: r.name })}
      empty={t('console.reasons.empty')}
      rows={sorted}
      reload={reload}
      columns={[{ header: t('console.reasons.under'), cell: (r) => t(`status.${r.status}` as const) }]}
      remove={(r) => api.call('DELETE /api/v1/status-reasons/{id}', { params: { id: r.id } })}
      newTitle={t('console.reasons.new')}
      form={(r, onDone) => <ReasonForm reason={r} onDone={onDone} />}
    />
  );
}
