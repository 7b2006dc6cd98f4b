import type { ContentCategory, ContentItem } from '@parley/contract';
import { type FormEvent, useEffect, useState } from 'react';
import { toast } from '../../app/store.js';
import { api } from '../../lib/api.js';
import { Field, FormSubmit, InlineField, typed, useSubmit } from './forms.js';

type Category = ContentCategory;
type Item = ContentItem;

export function ContentScreen() {
  const [categories, setCategories] = useState<Category[]>([]);
  const [items, setItems] = useState<Item[]>([]);
  const [q, setQ] = useState('');
  /** Whether the items shown are a search's matches (an empty category then says so, not "no content"). */
  const [searched, setSearched] = useState(false);
  const [catName, setCatName] = useState('');
  const [editing, setEditing] = useState<Item | null>(null);
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
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
    setCategoryId(item?.categoryId ?? '');
  }
  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = { title, text, categoryId: categoryId || null };
    const ok = await run(
      () =>
        editing
          ? api.call('PATCH /api/v1/content/{id}', { params: { id: editing.id }, body: typed(body) })
          : api.call('POST /api/v1/content', { body: typed(body) }),
      editing ? 'Content saved' : 'Content created',
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
    if (!confirm(`Delete "${item.title}"?`)) return;
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
      <h3 id="console-content">Predefined content</h3>
      <search>
        <form
          className="console-inline"
          onSubmit={(e) => {
            e.preventDefault();
            void load();
          }}
        >
          <InlineField
            label="Search content"
            button={
              <button type="submit" className="button">
                Search
              </button>
            }
          >
            <input type="search" placeholder="Title or text" value={q} onChange={(e) => setQ(e.target.value)} />
          </InlineField>
        </form>
      </search>
      {groups.map((c) => {
        const list = items.filter((i) => i.categoryId === (c?.id ?? null));
        if (!c && list.length === 0) return null;
        const headingId = `content-group-${c?.id ?? 'none'}`;
        return (
          <section key={c?.id ?? 'none'} className="content-group" aria-labelledby={headingId}>
            <h4 id={headingId}>{c?.name ?? 'Uncategorized'}</h4>
            {list.length === 0 ? (
              <p className="muted content-empty">{searched ? 'Nothing in this category matches the search.' : 'No content in this category yet.'}</p>
            ) : (
              <ul className="content-list">
                {list.map((i, n) => (
                  <li key={i.id}>
                    <strong>{i.title}</strong> <span className="muted">{i.text.slice(0, 80)}</span>
                    <span className="row-actions">
                      <button type="button" className="button" aria-label={`Move ${i.title} up`} disabled={n === 0} onClick={() => void move(i, -1)}>
                        ↑
                      </button>
                      <button
                        type="button"
                        className="button"
                        aria-label={`Move ${i.title} down`}
                        disabled={n === list.length - 1}
                        onClick={() => void move(i, 1)}
                      >
                        ↓
                      </button>
                      <button type="button" className="button" aria-label={`Edit ${i.title}`} onClick={() => edit(i)}>
                        Edit
                      </button>
                      <button type="button" className="button" aria-label={`Delete ${i.title}`} onClick={() => void remove(i)}>
                        Delete
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
        aria-label="New category"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          if (await runCat(() => api.call('POST /api/v1/content/categories', { body: { name: catName } }), 'Category created')) {
            setCatName('');
            void load();
          }
        }}
      >
        <InlineField
          label="New category"
          path="name"
          errors={catErrors}
          button={
            <button type="submit" className="button" disabled={catBusy}>
              Add category
            </button>
          }
        >
          <input value={catName} onChange={(e) => setCatName(e.target.value)} />
        </InlineField>
      </form>
      <form className="console-form" onSubmit={submit} aria-label={editing ? `Edit ${editing.title}` : 'New content'} noValidate>
        <h4>{editing ? `Edit "${editing.title}"` : 'New content'}</h4>
        <Field label="Title" path="title" errors={errors}>
          <input value={title} onChange={(e) => setTitle(e.target.value)} />
        </Field>
        <Field label="Category" path="categoryId" errors={errors}>
          <select value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
            <option value="">Uncategorized</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Text" path="text" errors={errors}>
          <textarea rows={4} value={text} onChange={(e) => setText(e.target.value)} />
        </Field>
        <FormSubmit errors={errors} busy={busy}>
          {editing ? 'Save content' : 'Create content'}
        </FormSubmit>
        {editing ? (
          <button type="button" className="button" onClick={() => edit(null)}>
            Cancel
          </button>
        ) : null}
      </form>
    </section>
  );
}
