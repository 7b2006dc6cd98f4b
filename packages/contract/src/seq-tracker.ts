import type { EventEnvelope } from './events.js';

/**
 * Client-side ordering of realtime events. Each listener's `seq` increases by exactly one, so a
 * jump means something was missed (e.g. a reconnect): the tracker asks for a `sync` and holds
 * later events until the gap is filled. Duplicates (seq ≤ last applied) are dropped.
 */
export class SeqTracker {
  private pending = new Map<number, EventEnvelope>();
  private syncedFrom = -1;
  constructor(
    private lastSeq: number,
    private readonly apply: (event: EventEnvelope) => void,
    private readonly requestSync: (afterSeq: number) => void,
  ) {}

  get seq(): number {
    return this.lastSeq;
  }

  /** Reset after a `resync.required`: the caller reloads state over HTTP and continues from `seq`. */
  reset(seq: number): void {
    this.lastSeq = seq;
    this.syncedFrom = -1;
    this.pending.clear();
  }

  receive(event: EventEnvelope): void {
    if (event.seq <= this.lastSeq) return;
    if (event.seq > this.lastSeq + 1) {
      this.pending.set(event.seq, event);
      this.askSync();
      return;
    }
    this.apply(event);
    this.lastSeq = event.seq;
    for (let next = this.pending.get(this.lastSeq + 1); next; next = this.pending.get(this.lastSeq + 1)) {
      this.pending.delete(next.seq);
      this.apply(next);
      this.lastSeq = next.seq;
    }
    for (const s of this.pending.keys()) if (s <= this.lastSeq) this.pending.delete(s);
    // A sync that filled only part of the gap: ask again from where we are now.
    if (this.pending.size > 0) this.askSync();
  }

  /** Events are held behind a gap: call from a timer to ask again if an answer was lost. */
  retry(): void {
    if (this.pending.size > 0) {
      this.syncedFrom = -1;
      this.askSync();
    }
  }

  private askSync(): void {
    if (this.syncedFrom === this.lastSeq) return;
    this.syncedFrom = this.lastSeq;
    this.requestSync(this.lastSeq);
  }
}
