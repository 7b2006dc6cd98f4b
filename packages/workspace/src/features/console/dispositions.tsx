import type { Disposition } from '@parley/contract';
import { useState } from 'react';
import { toast } from '../../app/store.js';
import { api } from '../../lib/api.js';
import { Field, typed } from './forms.js';
import { type SkillRow, useList } from './list.js';
import { NamedForm, NamedListScreen } from './named-list.js';
import { ConsoleTable } from './table.js';

function DispositionForm({ disposition, onDone }: { disposition?: Disposition; onDone: () => void }) {
  const [name, setName] = useState(disposition?.name ?? '');
  return (
    <NamedForm
      label={disposition ? `Edit disposition ${disposition.name}` : 'New disposition'}
      submit={disposition ? 'Save disposition' : 'Add disposition'}
      saved={disposition ? 'Disposition saved' : 'Disposition added'}
      save={() =>
        disposition
          ? api.call('PATCH /api/v1/dispositions/{id}', { params: { id: disposition.id }, body: typed({ name }) })
          : api.call('POST /api/v1/dispositions', { body: typed({ name }) })
      }
      reset={() => setName('')}
      onDone={onDone}
      fields={(errors) => (
        <Field label="Disposition name" path="name" errors={errors}>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Resolved, Refund issued…" />
        </Field>
      )}
    />
  );
}

/** Per skill: whether closing needs a disposition (`PATCH /api/v1/skills/{id}` `{ wrapUp }`), saved as it is ticked. */
function WrapUpBySkill() {
  const [skills, reload] = useList('GET /api/v1/skills');
  /** The boxes as ticked, ahead of the saved skills (a failed save puts the box back). */
  const [ticked, setTicked] = useState<Record<string, boolean>>({});
  async function set(s: SkillRow, required: boolean) {
    setTicked((t) => ({ ...t, [s.id]: required }));
    try {
      await api.call('PATCH /api/v1/skills/{id}', { params: { id: s.id }, body: { wrapUp: { required } } });
      toast(required ? `Wrap-up required for ${s.name}` : `Wrap-up optional for ${s.name}`);
      reload();
    } catch (e) {
      setTicked(({ [s.id]: _, ...rest }) => rest);
      toast((e as Error).message, 'error');
    }
  }
  return (
    <section aria-labelledby="console-wrap-up-skills">
      <h4 id="console-wrap-up-skills">Wrap-up by skill</h4>
      {skills.length === 0 ? (
        <p className="muted">No skills yet.</p>
      ) : (
        <div className="table-scroll">
          <ConsoleTable label="Wrap-up by skill" columns={['Skill', 'Disposition required on close']}>
            {skills.map((s) => (
              <tr key={s.id}>
                <td>{s.name}</td>
                <td data-label="Disposition required on close">
                  <label className="check">
                    <input type="checkbox" checked={ticked[s.id] ?? !!s.wrapUp?.required} onChange={(e) => void set(s, e.target.checked)} />
                    Required for {s.name}
                  </label>
                </td>
              </tr>
            ))}
          </ConsoleTable>
        </div>
      )}
    </section>
  );
}

/** Wrap-up codes agents pick in the close dialog, and which skills require one. */
export function DispositionsScreen() {
  const [rows, reload] = useList('GET /api/v1/dispositions');
  return (
    <NamedListScreen
      id="console-dispositions"
      title="Wrap-up dispositions"
      intro="Agents pick one or more in the close dialog; conversation details, the CSV export, the CRM task and the reports show them."
      label="Dispositions"
      noun="disposition"
      empty="No dispositions yet: agents close without the wrap-up dialog."
      rows={rows}
      reload={reload}
      columns={[]}
      remove={(d) => api.call('DELETE /api/v1/dispositions/{id}', { params: { id: d.id } })}
      newTitle="New disposition"
      form={(d, onDone) => <DispositionForm disposition={d} onDone={onDone} />}
    >
      <WrapUpBySkill />
    </NamedListScreen>
  );
}
