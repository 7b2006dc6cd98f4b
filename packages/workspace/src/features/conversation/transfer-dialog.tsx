import { useEffect, useState } from 'react';
import { transferConversation } from '../../app/controller.js';
import { fetchDirectory } from '../../app/directory.js';
import { t, useT } from '../../i18n/index.js';
import { type Directory, STATUS_LABEL } from '../../lib/types.js';
import { Dialog } from '../../ui/dialog.js';
import { StatusDot } from '../status/status-menu.js';

type TransferTarget = { skillId: string } | { agentId: string };

/**
 * Transfer to a skill (its queue) or an agent; the search box filters both. `onTransfer` does it
 * (the agent's own conversation by default; the supervision view passes its own).
 */
export function TransferDialog({
  conversationId,
  onClose,
  onTransfer = transferConversation,
}: {
  conversationId: string;
  onClose: () => void;
  onTransfer?: (id: string, target: TransferTarget, label: string) => Promise<boolean>;
}) {
  useT();

  const [q, setQ] = useState('');
  const [dir, setDir] = useState<Directory | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    const t = setTimeout(
      () => {
        fetchDirectory(q.trim())
          .then((d) => live && setDir(d))
          .catch(() => live && setDir({ skills: [], agents: [] }));
      },
      q ? 150 : 0,
    );
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [q]);

  async function go(target: TransferTarget, label: string) {
    setBusy(true);
    const ok = await onTransfer(conversationId, target, label);
    setBusy(false);
    if (ok) onClose();
  }

  return (
    <Dialog title={t('transfer.title')} onClose={onClose}>
      <label className="field">
        <span>{t('transfer.search')}</span>
        <input type="search" data-autofocus value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('transfer.placeholder')} />
      </label>
      {!dir ? <p className="muted">{t('common.loading')}</p> : null}
      {dir ? (
        <div className="transfer-lists">
          <section aria-labelledby="transfer-skills">
            <h3 id="transfer-skills">{t('settings.skills')}</h3>
            {dir.skills.length === 0 ? <p className="muted">{t('transfer.noSkill')}</p> : null}
            <ul className="choice-list">
              {dir.skills.map((s) => (
                <li key={s.id}>
                  <button type="button" className="choice" disabled={busy} onClick={() => void go({ skillId: s.id }, s.displayName)}>
                    <span className="choice-name">{s.displayName}</span>
                    <span className="choice-meta">{t('transfer.waiting', { count: s.queued })}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="transfer-agents">
            <h3 id="transfer-agents">{t('transfer.agents')}</h3>
            {dir.agents.length === 0 ? <p className="muted">{t('transfer.noAgent')}</p> : null}
            <ul className="choice-list">
              {dir.agents.map((a) => (
                <li key={a.id}>
                  {/* An offline agent cannot receive a transfer (the API answers 409): shown, not offered. */}
                  <button type="button" className="choice" disabled={busy || a.status === 'offline'} onClick={() => void go({ agentId: a.id }, a.displayName)}>
                    <span className="choice-name">
                      <StatusDot status={a.status} /> {a.displayName}
                    </span>
                    <span className="choice-meta">
                      {STATUS_LABEL[a.status]} · {a.load}/{a.maxConcurrent}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        </div>
      ) : null}
    </Dialog>
  );
}
