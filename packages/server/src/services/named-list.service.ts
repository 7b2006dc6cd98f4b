import { conflict, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Tx } from '../storage/db.js';
import type { NamedListRepo, NamedRecord } from '../storage/repos/named-list.repo.js';
import { type Actor, changes, recordAudit } from './audit.service.js';
import type { Deps } from './context.js';

/**
 * A manager-defined named list (dispositions, labels, status reasons): listed by name, created
 * with a name unique among the rows not deleted (409 otherwise), patched, deleted softly; each
 * change audited as `<kind>.created|updated|deleted`. The list says what is its own: its extra
 * fields (`build`, `apply`) and what a deletion also does (`onRemove`).
 */
export interface NamedListSpec<R extends NamedRecord, W extends Record<string, unknown>, C extends { name: string }, P extends { name?: string | undefined }> {
  repo: NamedListRepo<R>;
  /** The noun of the messages: "disposition", "status reason", "label". */
  noun: string;
  /** The audit's target type, and its actions' prefix: "disposition", "status_reason", "label". */
  kind: string;
  toWire: (r: R) => W;
  /** A new row's own fields, from the request. */
  build: (input: C) => Omit<R, keyof NamedRecord>;
  /** A row's own fields after a patch (the name is applied here). */
  apply: (r: R, patch: P) => R;
  /** More to do in the deletion's transaction (a label comes off every conversation). */
  onRemove?: (tx: Tx, accountId: string, id: string) => Promise<void>;
}

export interface NamedListService<W, C, P> {
  list(deps: Deps, accountId: string, page: { after?: readonly [string, string] | undefined; limit: number }): Promise<W[]>;
  create(deps: Deps, accountId: string, input: C, actor: Actor): Promise<W>;
  patch(deps: Deps, accountId: string, id: string, patch: P, actor: Actor): Promise<W>;
  remove(deps: Deps, accountId: string, id: string, actor: Actor): Promise<void>;
}

export function namedListService<R extends NamedRecord, W extends Record<string, unknown>, C extends { name: string }, P extends { name?: string | undefined }>(
  spec: NamedListSpec<R, W, C, P>,
): NamedListService<W, C, P> {
  const { repo, noun, kind, toWire } = spec;
  const exists = (name: string) => conflict(`a ${noun} named "${name}" exists`);
  return {
    async list(deps, accountId, page) {
      return (await repo.list(deps.db.kysely, accountId, page)).map(toWire);
    },
    async create(deps, accountId, input, actor) {
      return deps.db.transaction(async (tx) => {
        if (await repo.findByName(tx, accountId, input.name)) throw exists(input.name);
        const r = { id: newId(), accountId, name: input.name, deleted: false, createdAt: deps.clock.now(), ...spec.build(input) } as R;
        await repo.insert(tx, r);
        await recordAudit(tx, deps.clock.now(), { accountId, ...actor, action: `${kind}.created`, targetType: kind, targetId: r.id, details: toWire(r) });
        return toWire(r);
      });
    },
    async patch(deps, accountId, id, patch, actor) {
      return deps.db.transaction(async (tx) => {
        const r = await repo.find(tx, accountId, id);
        if (!r) throw notFound(noun);
        if (patch.name !== undefined && patch.name !== r.name && (await repo.findByName(tx, accountId, patch.name))) throw exists(patch.name);
        const next = { ...spec.apply(r, patch), name: patch.name ?? r.name };
        await repo.update(tx, next);
        await recordAudit(tx, deps.clock.now(), {
          accountId,
          ...actor,
          action: `${kind}.updated`,
          targetType: kind,
          targetId: id,
          details: changes(toWire(r), toWire(next)),
        });
        return toWire(next);
      });
    },
    async remove(deps, accountId, id, actor) {
      await deps.db.transaction(async (tx) => {
        const r = await repo.find(tx, accountId, id);
        if (!r) throw notFound(noun);
        await repo.update(tx, { ...r, deleted: true });
        await spec.onRemove?.(tx, accountId, id);
        await recordAudit(tx, deps.clock.now(), { accountId, ...actor, action: `${kind}.deleted`, targetType: kind, targetId: id, details: { name: r.name } });
      });
    },
  };
}
