import type { ContentCategory, ContentItem } from '@parley/contract';
import { type FormEvent, useEffect, useState } from 'react';
import { toast } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { Field, FormSubmit, InlineField, typed, useSubmit } from './forms.js';

type Category = ContentCategory;
type Item = ContentItem;

export function ContentScreen() {
  const t = useT();
  const [categories, setCategories] = useState<Category[]>([]);
  const [items, setItems] = useState<Item[]>([]);
  const [q, setQ] = useState('');
  /** Whether the items shown are a search's matches (an empty category then says so, not "no content"). */
  const [searched, setSearched] = useState(false);
  const [catName, setCatName] = useState('');
  const [editing, setEditing] = useState<Item | null>(null);
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  // Quick replies the content offers, one title per line.
  const [buttons, setButtons] = useState('');
  const [categoryId, setCategoryId] = useState('');
  const [catErrors, catBusy, runCat] = useSubmit();
  const [errors, busy, run] = useSubmit();
  async function load(query = q) {
    try {
      const [c, i] = await Promise.all([api.all('GET /api/v1/content/categories'), api.all('GET /api/v1/content', { query: { q: query || undefined } })]);
      setCategories(c.items);
      setItems(i.items);
      setSearched(query !== '');
    } catch (e) {
      toast((e as Error).message, 'error');
    }
  }
  // biome-ignore lint/correctness/useExhaustiveDependencies: loads once; search reloads explicitly
  useEffect(() => {
    void load();
  }, []);
  function edit(item: Item | null) {
    setEditing(item);
    setTitle(item?.title ?? '');
    setText(item?.text ?? '');
    setButtons((item?.quickReplies ?? []).map((q) => q.title).join('\n'));
    setCategoryId(item?.categoryId ?? '');
  }
  async function submit(e: FormEvent) {
    e.preventDefault();
    const quickReplies = buttons
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => ({ title: line }));
    const body = { title, text, categoryId: categoryId || null, ...((quickReplies.length || editing) && { quickReplies }) };
    const ok = await run(
      () =>
        editing
          ? api.call('PATCH /api/v1/content/{id}', { params: { id: editing.id }, body: typed(body) })
          : api.call('POST /api/v1/content', { body: typed(body) }),
      editing ? t('console.content.saved') : t('console.content.created'),
    );
    if (ok) {
      edit(null);
      void load();
    }
  }
  async function move(item: Item, dir: -1 | 1) {
    const list = items.filter((i) => i.categoryId === item.categoryId);
    const at = list.findIndex((i) => i.id === item.id);
    const other = list[at + dir];
    if (!other) return;
    try {
      // positions are made distinct from the list order, then the two swap
      await Promise.all([
        api.call('PATCH /api/v1/content/{id}', { params: { id: item.id }, body: { position: at + dir } }),
        api.call('PATCH /api/v1/content/{id}', { params: { id: other.id }, body: { position: at } }),
      ]);
      await Promise.all(
        list
          .filter((i) => i !== item && i !== other)
          .map((i) => api.call('PATCH /api/v1/content/{id}', { params: { id: i.id }, body: { position: list.indexOf(i) } })),
      );
      void load();
    } catch (e) {
      toast((e as Error).message, 'error');
    }
  }
  async function remove(item: Item) {
    if (!confirm(t('console.content.confirmDelete', { title: item.title }))) return;
    try {
      await api.call('DELETE /api/v1/content/{id}', { params: { id: item.id } });
      void load();
    } catch (e) {
      toast((e as Error).message, 'error');
    }
  }
  const groups: (Category | null)[] = [...categories, null];
  return (
    <section aria-labelledby="console-content">
      <h3 id="console-content">{t('console.content.title')}</h3>
      <search>
        <form
          className="console-inline"
          onSubmit={(e) => {
            e.preventDefault();
            void load();
          }}
        >
          <InlineField
            label={t('console.content.search')}
            button={
              <button type="submit" className="button">
                {t('console.content.searchButton')}
              </button>
            }
          >
            <input type="search" placeholder={t('console.content.searchPlaceholder')} value={q} onChange={(e) => setQ(e.target.value)} />
          </InlineField>
        </form>
      </search>
      {groups.map((c) => {
        const list = items.filter((i) => i.categoryId === (c?.id ?? null));
        if (!c && list.length === 0) return null;
        const headingId = `content-group-${c?.id ?? 'none'}`;
        return (
          <section key={c?.id ?? 'none'} className="content-group" aria-labelledby={headingId}>
            <h4 id={headingId}>{c ? <bdi>{c.name}</bdi> : t('console.content.uncategorized')}</h4>
            {list.length === 0 ? (
              <p className="muted content-empty">{searched ? t('console.content.noMatch') : t('console.content.emptyCategory')}</p>
            ) : (
              <ul className="content-list">
                {list.map((i, n) => (
                  <li key={i.id}>
                    <strong dir="auto">{i.title}</strong>{' '}
                    <span className="muted" dir="auto">
                      {i.text.slice(0, 80)}
                    </span>
                    <span className="row-actions">
                      <button
                        type="button"
                        className="button"
                        aria-label={t('console.content.moveUp', { title: i.title })}
                        disabled={n === 0}
                        onClick={() => void move(i, -1)}
                      >
                        ↑
                      </button>
                      <button
                        type="button"
                        className="button"
                        aria-label={t('console.content.moveDown', { title: i.title })}
                        disabled={n === list.length - 1}
                        onClick={() => void move(i, 1)}
                      >
                        ↓
                      </button>
                      <button type="button" className="button" aria-label={t('console.content.editLabel', { title: i.title })} onClick={() => edit(i)}>
                        {t('console.content.edit')}
                      </button>
                      <button type="button" className="button" aria-label={t('console.content.deleteLabel', { title: i.title })} onClick={() => void remove(i)}>
                        {t('console.content.delete')}
                      </button>
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        );
      })}
      <form
        className="console-inline"
        aria-label={t('console.content.newCategory')}
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          if (await runCat(() => api.call('POST /api/v1/content/categories', { body: { name: catName } }), t('console.content.categoryCreated'))) {
            setCatName('');
            void load();
          }
        }}
      >
        <InlineField
          label={t('console.content.newCategory')}
          path="name"
          errors={catErrors}
          button={
            <button type="submit" className="button" disabled={catBusy}>
              {t('console.content.addCategory')}
            </button>
          }
        >
          <input value={catName} onChange={(e) => setCatName(e.target.value)} />
        </InlineField>
      </form>
      <form
        className="console-form"
        onSubmit={submit}
        aria-label={editing ? t('console.content.editLabel', { title: editing.title }) : t('console.content.new')}
        noValidate
      >
        <h4>{editing ? t('console.content.editHeading', { title: editing.title }) : t('console.content.new')}</h4>
        <Field label={t('console.content.fieldTitle')} path="title" errors={errors}>
          <input dir="auto" value={title} onChange={(e) => setTitle(e.target.value)} />
        </Field>
        <Field label={t('console.content.category')} path="categoryId" errors={errors}>
          <select value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
            <option value="">{t('console.content.uncategorized')}</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('console.content.text')} path="text" errors={errors}>
          <textarea dir="auto" rows={4} value={text} onChange={(e) => setText(e.target.value)} />
        </Field>
        <Field label={t('console.content.buttons')} path="quickReplies" errors={errors}>
          <textarea dir="auto" rows={2} value={buttons} onChange={(e) => setButtons(e.target.value)} />
        </Field>
        <FormSubmit errors={errors} busy={busy}>
          {editing ? t('console.content.save') : t('console.content.create')}
        </FormSubmit>
        {editing ? (
          <button type="button" className="button" onClick={() => edit(null)}>
            {t('common.cancel')}
          </button>
        ) : null}
      </form>
    </section>
  );
}
