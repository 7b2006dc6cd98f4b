import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { store, useStore } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
import { ApiError, api } from '../../lib/api.js';
import { dayKey, formatDate, formatDateTime, wallTimeToInstant } from '../../lib/format.js';
import { closedByPhrase, consumerLabel, lastMessageAuthor } from '../../lib/people.js';
import { type ActiveItem, CHANNEL_LABEL } from '../../lib/types.js';
import { RowLabels } from '../../ui/label-chip.js';
import { rowPlace, useVirtualRows } from '../../ui/virtual-rows.js';
import { LabelFilter } from '../active/label-filter.js';

const DAY = 86_400_000;
/** Conversations per request (the API's most is 200). */
const PAGE = 100;
/** Scrolled to within this many rows of the last one loaded, the next page is fetched. */
const AHEAD = 20;
/** How long the search waits after the last key before it asks the API (Enter asks at once). */
const SEARCH_DELAY_MS = 300;
/** The longest history window an account may keep (13 months of 31 days): the Since field's earliest day. */
const LONGEST_HISTORY_MS = 13 * 31 * DAY;

/**
 * The All tab: conversations of the last 7 days, newest first. Virtualized (only the rows in view
 * are in the DOM), and scrolling near the last row loaded fetches the next page of the window by
 * itself; "Load more" does the same, and once the window is all in reaches a further week back,
 * until the account's history window. The footer counts the conversations loaded. "Since" (a date)
 * starts the list on that day instead. The search box filters through the API (`q`: consumer name
 * or last message) over the whole history window at once — or since the Since day when one is
 * chosen; a new search starts again, and an answer to an older search is dropped.
 */
export function AllList() {
  const prefs = useStore((s) => s.datePrefs);
  const selected = useStore((s) => s.allSelectedId);
  const meId = useStore((s) => s.session?.user.id ?? null);
  const t = useT();
  const [items, setItems] = useState<ActiveItem[]>([]);
  /** The earliest start shown; null: the whole history window (a search without a Since day). */
  const [from, setFrom] = useState<number | null>(() => Date.now() - 7 * DAY);
  const [cursor, setCursor] = useState<string | null>(null);
  const [end, setEnd] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** What is typed, and the search applied (typed, then settled for a moment or Enter). */
  const [typed, setTyped] = useState('');
  const [query, setQuery] = useState('');
  /** The day chosen in the Since field ("2026-03-07"), or "" for the default; `n` counts the choices (the same day again starts again). */
  const [since, setSince] = useState({ day: '', n: 0 });
  /** What the Since field shows: the day typed so far, then the first day of the list as it grows ("" for the whole history). */
  const [sinceText, setSinceText] = useState(() => dayKey(Date.now() - 7 * DAY, prefs.timeZone));
  const latest = useRef(0);
  /** The list was replaced (not appended to): scroll back to its top. */
  const fresh = useRef(false);
  /** The label filter (`label=`), or null for every label. */
  const [label, setLabel] = useState<string | null>(null);
  const labelRef = useRef<string | null>(null);
  labelRef.current = label;

  const load = useCallback(
    async (q: string, fromMs: number | null, toMs: number | null, cur: string | null, append: boolean) => {
      const request = ++latest.current;
      const current = () => request === latest.current;
      setBusy(true);
      setError(null);
      const query = {
        limit: PAGE,
        from: fromMs === null ? undefined : new Date(fromMs).toISOString(),
        to: toMs === null ? undefined : new Date(toMs).toISOString(),
        cursor: cur || undefined,
        q: q || undefined,
        label: labelRef.current ?? undefined,
      };
      try {
        const page = await api.call('GET /api/v1/conversations', { query });
        if (!current()) return null;
        setItems((list) => {
          const seen = new Set(list.map((i) => i.id));
          if (!append) fresh.current = true;
          return append ? [...list, ...page.items.filter((i) => !seen.has(i.id))] : page.items;
        });
        setCursor(page.nextCursor);
        // A search over the whole window has nothing further back once its last page is in.
        if (fromMs === null && !page.nextCursor) setEnd(true);
        return page;
      } catch (err) {
        if (!current()) return null;
        // 400: `from` is before the account's history window (a week further back, or the Since day).
        if (err instanceof ApiError && err.status === 400) {
          setEnd(true);
          if (!append) {
            setItems([]);
            setError(t('all.beforeHistory'));
          }
        } else setError((err as Error).message);
        return null;
      } finally {
        if (current()) setBusy(false);
      }
    },
    [t],
  );

  useEffect(() => {
    const timer = setTimeout(() => setQuery(typed.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [typed]);

  useEffect(() => {
    const start = since.day ? wallTimeToInstant(`${since.day}T00:00`, prefs.timeZone) : query ? null : Date.now() - 7 * DAY;
    setFrom(start);
    setEnd(false);
    setCursor(null);
    void label;
    void load(query, start, null, null, false);
  }, [load, query, since, prefs.timeZone, label]);

  useEffect(() => {
    setSinceText(from === null ? '' : dayKey(from, prefs.timeZone));
  }, [from, prefs.timeZone]);

  async function loadMore() {
    if (cursor) {
      await load(query, from, null, cursor, true);
      return;
    }
    if (from === null) return;
    // Everything since `from` is shown: reach one more week back.
    const nextFrom = from - 7 * DAY;
    const page = await load(query, nextFrom, from, null, true);
    if (page) setFrom(nextFrom);
  }

  const ids = useMemo(() => items.map((c) => c.id), [items]);
  const {
    scrollRef,
    virtualizer,
    rows: virtualRows,
    focusId,
    listProps,
    setSize,
    measure,
  } = useVirtualRows<HTMLUListElement>({ ids, estimate: 87, selectedId: selected });
  // Infinite scroll: near the last row loaded, the next page of the window (not a further week
  // back: that stays the button's, so a short week does not walk the whole history by itself).
  const lastInView = virtualizer.range?.endIndex ?? -1;
  // biome-ignore lint/correctness/useExhaustiveDependencies: loadMore is this render's (it reads cursor, query, from)
  useEffect(() => {
    if (cursor && !busy && !error && items.length > 0 && lastInView >= items.length - 1 - AHEAD) void loadMore();
  }, [cursor, busy, error, items.length, lastInView]);
  // A new search, Since day or label starts at the top of its list.
  useEffect(() => {
    if (fresh.current) {
      fresh.current = false;
      if (scrollRef.current) scrollRef.current.scrollTop = 0;
    }
  });

  const settled = !busy && query === typed.trim();
  const today = dayKey(Date.now(), prefs.timeZone);
  const earliest = dayKey(Date.now() - LONGEST_HISTORY_MS, prefs.timeZone);
  return (
    <section className="list-pane all" aria-labelledby="all-title">
      <div className="pane-head">
        <h2 id="all-title">{t('all.title')}</h2>
        <p className="muted">{from === null ? t('all.subtitle.whole') : t('all.subtitle.since', { date: formatDate(from, prefs) })}</p>
        <search className="all-search">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              setQuery(typed.trim());
            }}
          >
            <label className="field">
              <span>{t('all.search')}</span>
              <input type="search" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder={t('all.search.placeholder')} />
            </label>
            <label className="field all-since">
              <span>{t('all.since')}</span>
              <input
                type="date"
                value={sinceText}
                min={earliest}
                max={today}
                aria-describedby="all-since-note"
                onChange={(e) => {
                  const day = e.target.value;
                  setSinceText(day);
                  // A day half typed (year 0002 on the way to 2025) or out of range waits for the rest.
                  if (day === '' || (day.localeCompare(earliest) >= 0 && day.localeCompare(today) <= 0)) setSince((s) => ({ day, n: s.n + 1 }));
                }}
              />
            </label>
            <LabelFilter value={label} onChange={setLabel} />
          </form>
          <p className="field-note" id="all-since-note">
            {query && !since.day ? t('all.since.noteSearch') : t('all.since.note', { days: 7 })}
          </p>
        </search>
        <p className="sr-only" role="status">
          {query && settled
            ? t(from === null ? 'all.matches.whole' : 'all.matches.since', {
                count: items.length,
                more: cursor ? 'yes' : 'no',
                query,
                date: from === null ? '' : formatDate(from, prefs),
              })
            : ''}
        </p>
      </div>
      {error ? (
        <p className="form-error pad" role="alert">
          {error}
        </p>
      ) : null}
      {items.length === 0 && !busy ? (
        <p className="empty">{query ? t(from === null ? 'all.none.whole' : 'all.none.period', { query }) : t('all.none')}</p>
      ) : null}
      <ul className="rows virtual" {...listProps} aria-label={t('all.rows')}>
        {virtualRows.map(({ index, start }) => {
          const c = items[index];
          if (!c) return null;
          const state = c.state === 'closed' ? t('rowStatus.closed') : c.state === 'queued' ? t('all.state.queued') : t('all.state.open');
          const started = formatDateTime(c.createdAt, prefs);
          const name = consumerLabel(c.consumer.name, c.channel);
          const closedBy = closedByPhrase(c, meId);
          const author = lastMessageAuthor(c.lastMessage, meId);
          // Named "Ana Keller, Closed, Web, started 2026-03-07 14:05"; described by who closed it and the last message.
          return (
            <li
              key={c.id}
              className={`row tone-${c.state === 'closed' ? 'closed' : c.status}${selected === c.id ? ' selected' : ''}`}
              {...rowPlace(index, start, setSize, measure)}
            >
              <button
                type="button"
                className="row-button"
                tabIndex={c.id === focusId ? 0 : -1}
                data-row={c.id}
                aria-current={selected === c.id ? 'true' : undefined}
                aria-label={t('all.row', { name, state, channel: CHANNEL_LABEL[c.channel], started })}
                aria-describedby={closedBy ? `all-closed-${c.id} all-last-${c.id}` : `all-last-${c.id}`}
                onClick={() => store.set({ allSelectedId: c.id })}
              >
                <span className="row-top">
                  <span className="row-name">{name}</span>
                  <span className="chip">{CHANNEL_LABEL[c.channel]}</span>
                  <span className="row-when">{started}</span>
                </span>
                <span className="row-last" id={`all-last-${c.id}`}>
                  {author ? <span className="row-you">{t('row.author', { author })}</span> : null}
                  {c.lastMessage?.text ?? <span className="muted">{t('all.noMessages')}</span>}
                </span>
                <span className="row-meta">
                  <span className={`pill pill-${c.state === 'closed' ? 'closed' : 'ongoing'}`}>{state}</span>
                  <RowLabels ids={c.labels} />
                  {closedBy ? (
                    <>
                      {' '}
                      <span className="row-closed-by">{closedBy}</span>
                    </>
                  ) : null}
                </span>
                {closedBy ? (
                  <span hidden id={`all-closed-${c.id}`}>
                    {t('row.closedBy', { phrase: closedBy })}
                  </span>
                ) : null}
              </button>
            </li>
          );
        })}
      </ul>
      <div className="load-more">
        {items.length > 0 ? <p className="muted all-count">{t('all.count', { count: items.length, more: end ? 'no' : 'yes' })}</p> : null}
        {end ? (
          <p className="muted">{t('all.end')}</p>
        ) : (
          <button type="button" className="button" disabled={busy} onClick={() => void loadMore()}>
            {busy ? t('common.loading') : t('all.loadMore')}
          </button>
        )}
      </div>
    </section>
  );
}
