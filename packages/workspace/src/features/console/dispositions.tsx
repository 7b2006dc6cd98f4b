import type { Disposition } from '@parley/contract';
import { useState } from 'react';
import { toast } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { Field, typed } from './forms.js';
import { type SkillRow, useList } from './list.js';
import { NamedForm, NamedListScreen } from './named-list.js';
import { ConsoleTable } from './table.js';

function DispositionForm({ disposition, onDone }: { disposition?: Disposition; onDone: () => void }) {
  const [name, setName] = useState(disposition?.name ?? '');
  const t = useT();
  return (
    <NamedForm
      label={disposition ? t('console.wrapUp.edit', { name: disposition.name }) : t('console.wrapUp.new')}
      submit={disposition ? t('console.wrapUp.save') : t('console.wrapUp.add')}
      saved={disposition ? t('console.wrapUp.saved') : t('console.wrapUp.added')}
      save={() =>
        disposition
          ? api.call('PATCH /api/v1/dispositions/{id}', { params: { id: disposition.id }, body: typed({ name }) })
          : api.call('POST /api/v1/dispositions', { body: typed({ name }) })
      }
      reset={() => setName('')}
      onDone={onDone}
      fields={(errors) => (
        <Field label={t('console.wrapUp.name')} path="name" errors={errors}>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder={t('console.wrapUp.namePlaceholder')} />
        </Field>
      )}
    />
  );
}

/** Per skill: whether closing needs a disposition (`PATCH /api/v1/skills/{id}` `{ wrapUp }`), saved as it is ticked. */
function WrapUpBySkill() {
  const [skills, reload] = useList('GET /api/v1/skills');
  /** The boxes as ticked, ahead of the saved skills (a failed save puts the box back). */
  const t = useT();
  const [ticked, setTicked] = useState<Record<string, boolean>>({});
  async function set(s: SkillRow, required: boolean) {
    setTicked((t) => ({ ...t, [s.id]: required }));
    try {
      await api.call('PATCH /api/v1/skills/{id}', { params: { id: s.id }, body: { wrapUp: { required } } });
      toast(required ? t('console.wrapUp.nowRequired', { skill: s.name }) : t('console.wrapUp.nowOptional', { skill: s.name }));
      reload();
    } catch (e) {
      setTicked(({ [s.id]: _, ...rest }) => rest);
      toast((e as Error).message, 'error');
    }
  }
  return (
    <section aria-labelledby="console-wrap-up-skills">
      <h4 id="console-wrap-up-skills">{t('console.wrapUp.bySkill')}</h4>
      {skills.length === 0 ? (
        <p className="muted">{t('console.wrapUp.noSkills')}</p>
      ) : (
        <div className="table-scroll">
          <ConsoleTable label={t('console.wrapUp.bySkill')} columns={[t('console.wrapUp.skill'), t('console.wrapUp.requiredColumn')]}>
            {skills.map((s) => (
              <tr key={s.id}>
                <td>{s.name}</td>
                <td data-label={t('console.wrapUp.requiredColumn')}>
                  <label className="check">
                    <input type="checkbox" checked={ticked[s.id] ?? !!s.wrapUp?.required} onChange={(e) => void set(s, e.target.checked)} />
                    {t('console.wrapUp.requiredFor', { skill: s.name })}
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
  const t = useT();
  return (
    <NamedListScreen
      id="console-dispositions"
      title={t('console.wrapUp.title')}
      intro={t('console.wrapUp.intro')}
      label={t('console.wrapUp.table')}
      confirmDelete={(d) => t('console.wrapUp.confirmDelete', { name: d.name })}
      empty={t('console.wrapUp.empty')}
      rows={rows}
      reload={reload}
      columns={[]}
      remove={(d) => api.call('DELETE /api/v1/dispositions/{id}', { params: { id: d.id } })}
      newTitle={t('console.wrapUp.new')}
      form={(d, onDone) => <DispositionForm disposition={d} onDone={onDone} />}
    >
      <WrapUpBySkill />
    </NamedListScreen>
  );
}
