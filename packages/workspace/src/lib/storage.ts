/**
 * Tab storage that survives a reload. In a third-party iframe (a CRM embedding the workspace) the
 * browser may partition or block storage: then values live in memory for the life of the page.
 */
const memory = new Map<string, string>();

function store(): Storage | null {
  try {
    const s = window.sessionStorage;
    const probe = '__parley_probe__';
    s.setItem(probe, '1');
    s.removeItem(probe);
    return s;
  } catch {
    return null;
  }
}

const backing = typeof window === 'undefined' ? null : store();

export function readItem(key: string): string | null {
  if (backing) {
    try {
      return backing.getItem(key);
    } catch {
      // fall through to memory
    }
  }
  return memory.get(key) ?? null;
}

export function writeItem(key: string, value: string | null): void {
  if (value === null) memory.delete(key);
  else memory.set(key, value);
  if (!backing) return;
  try {
    if (value === null) backing.removeItem(key);
    else backing.setItem(key, value);
  } catch {
    // memory keeps it
  }
}

export function readJson<T>(key: string, fallback: T): T {
  const raw = readItem(key);
  if (!raw) return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return fallback;
  }
}

export const writeJson = (key: string, value: unknown) => writeItem(key, JSON.stringify(value));
