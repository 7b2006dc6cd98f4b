import { randomUUID } from 'node:crypto';
import type { Frame, Page, Request } from 'playwright-core';
import { waitFor } from './support.js';

/**
 * Fences: instead of giving a page a fixed moment before asserting that something did NOT happen,
 * the test sends a harmless message along the same path, ordered after the one that would have
 * leaked, and waits for it to arrive. postMessage between two windows is delivered in the order it
 * was posted, so when the fence is in, everything posted before it has been dispatched.
 *
 * A host page records the fences it receives with FENCE_LISTENER (put it in its script).
 */
export const FENCE_LISTENER = `window.fences = [];
addEventListener('message', (e) => { if (e.data && typeof e.data.fence === 'string') window.fences.push(e.data.fence); });`;

/** True for a message that is one of our fences (for filtering a host page's log of what it received). */
export const isFence = (data: unknown): boolean => typeof data === 'object' && data !== null && typeof (data as { fence?: unknown }).fence === 'string';

const arrived = (page: Page, id: string) =>
  page.waitForFunction((f) => (window as unknown as { fences?: string[] }).fences?.includes(f) ?? false, id, { polling: 20 });

/** The page posts a fence to itself: every message it posted to itself before has been dispatched. */
export async function selfFence(page: Page): Promise<void> {
  const id = randomUUID();
  await page.evaluate((f) => window.postMessage({ fence: f }, '*'), id);
  await arrived(page, id);
}

/** The frame posts a fence to its parent: every message the frame posted before has reached the host. */
export async function frameFence(page: Page, frame: Frame): Promise<void> {
  const id = randomUUID();
  await frame.evaluate((f) => window.parent.postMessage({ fence: f }, '*'), id);
  await arrived(page, id);
}

/**
 * Host → frame → host: the host posts a fence to the frame, a listener the test puts in the frame
 * echoes it back. When it is back, every message the host posted to the frame before has been
 * dispatched in the frame (to the workspace's own listener too, if it has one).
 */
export async function roundTrip(page: Page, frame: Frame): Promise<void> {
  await frame.evaluate(() => {
    const w = window as unknown as { fenceEcho?: boolean };
    if (w.fenceEcho) return;
    w.fenceEcho = true;
    addEventListener('message', (e) => {
      const fence = (e.data as { fence?: unknown } | null)?.fence;
      if (e.source === window.parent && typeof fence === 'string') window.parent.postMessage({ fence }, '*');
    });
  });
  const id = randomUUID();
  await page.evaluate((f) => document.querySelector('iframe')?.contentWindow?.postMessage({ fence: f }, '*'), id);
  await arrived(page, id);
}

/** Tracks the page's (and its frames') /api requests; `idle()` waits until none is in flight. */
export function apiRequests(page: Page): { idle: () => Promise<void>; all: Request[] } {
  const inFlight = new Set<Request>();
  const all: Request[] = [];
  const isApi = (r: Request) => new URL(r.url()).pathname.startsWith('/api/');
  page.on('request', (r) => {
    if (!isApi(r)) return;
    inFlight.add(r);
    all.push(r);
  });
  page.on('requestfinished', (r) => inFlight.delete(r));
  page.on('requestfailed', (r) => inFlight.delete(r));
  return { all, idle: async () => void (await waitFor(() => inFlight.size === 0, 'no /api request in flight')) };
}
