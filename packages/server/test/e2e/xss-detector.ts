/// <reference lib="dom" />
// (the detector below runs in the browser, in every frame, before the page's own scripts)
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Stored-XSS detection for a browser context, used by xss.e2e.test.ts:
 *   - execution: the payloads call `__xss(id)`; `alert`/`confirm`/`prompt` count too, and so
 *     does any dialog that still opens;
 *   - injected element: a MutationObserver (document and every shadow root) and a final sweep
 *     flag elements the app never makes: `on…` handler attributes, `javascript:`/`data:text`
 *     URLs, `srcdoc`, `<object>`/`<embed>`/`<base>`/`<math>`/SVG animation…, scripts that are
 *     not the app's bundles, `<style>` or non-text attributes carrying a payload, `xss-canary`;
 *   - CSP violation: `securitypolicyviolation` events and Chromium's CSP console errors.
 * Findings arrive in Node through an exposed binding, so a frame that is gone has still reported.
 */
export interface Finding {
  kind: 'execution' | 'injected' | 'csp' | 'dialog' | 'no detector';
  detail: string;
  url: string;
}

declare global {
  interface Window {
    __xssReport?: (f: Finding) => Promise<void>;
    __xssSweep?: () => Promise<number>;
    __xssSettle?: () => Promise<void>;
  }
}

function detector(): void {
  const w = window as Window & { __xssInstalled?: boolean };
  if (w.__xssInstalled) return;
  w.__xssInstalled = true;
  const binding = w.__xssReport;
  const report = (kind: Finding['kind'], detail: string): Promise<void> => {
    try {
      return (binding ?? w.__xssReport)?.({ kind, detail, url: location.href }) ?? Promise.resolve();
    } catch {
      return Promise.resolve();
    }
  };
  Object.defineProperty(w, '__xss', { value: (id: unknown) => void report('execution', `__xss(${String(id)})`), configurable: false, writable: false });
  for (const name of ['alert', 'confirm', 'prompt'] as const) {
    Object.defineProperty(w, name, {
      value: (...args: unknown[]) => {
        void report('execution', `${name}(${args.map(String).join(', ')})`);
        return null;
      },
    });
  }
  addEventListener(
    'securitypolicyviolation',
    (e) => void report('csp', `${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'}${e.sample ? `: ${e.sample}` : ''}`),
    true,
  );

  // Attributes that show text (an element's label, a form value, a download name): a payload there is just text.
  const TEXT_ATTR = /^(aria-[a-z-]+|title|alt|value|placeholder|download|label|data-[\w-]+)$/;
  const PAYLOAD_MARK = /__xss|xss-canary/i;
  const URL_ATTR = /^(href|src|action|formaction|data|xlink:href|background|poster|codebase|ping|srcset|lowsrc|dynsrc)$/;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: browsers skip leading control characters in a URL, so must the check
  const BAD_URL = /^[\s\u0000-\u001f]*(javascript|vbscript|livescript|data:(?!image\/(png|gif|jpeg|webp)[;,]|,))/i;
  const NEVER = new Set([
    'object',
    'embed',
    'applet',
    'frame',
    'frameset',
    'base',
    'portal',
    'math',
    'mglyph',
    'noscript',
    'xmp',
    'noembed',
    'plaintext',
    'listing',
    'marquee',
    'animate',
    'set',
    'animatetransform',
    'animatemotion',
    'foreignobject',
    'handler',
    'listener',
  ]);
  const APP_SCRIPT = /^\/((widget\/)?assets\/[\w.-]+\.js|widget\.js)$/;
  const APP_STYLESHEET = /^\/(widget\/)?assets\/[\w.-]+\.css$/;
  const path = (u: string) => {
    try {
      const url = new URL(u, location.href);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.pathname : `(${url.protocol})`;
    } catch {
      return '(unparsable)';
    }
  };

  function problems(el: Element): string[] {
    const out: string[] = [];
    const tag = el.localName.toLowerCase();
    for (const a of Array.from(el.attributes)) {
      const n = a.name.toLowerCase();
      if (n.startsWith('on')) out.push(`${n} handler`);
      else if (n === 'srcdoc') out.push('srcdoc');
      else if (URL_ATTR.test(n) && BAD_URL.test(a.value)) out.push(`${n}=${a.value.slice(0, 40)}`);
      // the payloads' markers, not the letters "xss" (a signed file URL's signature has them by chance)
      else if (PAYLOAD_MARK.test(a.value) && !TEXT_ATTR.test(n)) out.push(`${n} carries a payload`);
      else if (n === 'style' && /expression\s*\(|javascript:|behavior\s*:/i.test(a.value)) out.push('style with script');
    }
    if (NEVER.has(tag)) out.push(`<${tag}>`);
    if (tag === 'script' && !el.hasAttribute('data-test-own')) {
      const src = el.getAttribute('src');
      if (!src || !APP_SCRIPT.test(path(src)) || el.textContent?.trim()) out.push('a script that is not the app’s');
    }
    if (tag === 'iframe' && path(el.getAttribute('src') ?? '') !== '/widget/frame.html') out.push('an iframe that is not the chat frame');
    if (tag === 'meta' && el.hasAttribute('http-equiv')) out.push('<meta http-equiv>');
    if (tag === 'link' && /stylesheet|import|prefetch/i.test(el.getAttribute('rel') ?? '') && !APP_STYLESHEET.test(path(el.getAttribute('href') ?? '')))
      out.push('a stylesheet that is not the app’s');
    if (tag === 'style' && (PAYLOAD_MARK.test(el.textContent ?? '') || /javascript:|expression\s*\(/i.test(el.textContent ?? '')))
      out.push('<style> carrying a payload');
    if (tag === 'use' && !/^#/.test(el.getAttribute('href') ?? el.getAttribute('xlink:href') ?? '#')) out.push('<use> of an outside document');
    return out;
  }

  const seen = new WeakSet<Element>();
  function inspect(el: Element): Promise<void>[] {
    const found = problems(el);
    if (!found.length || seen.has(el)) return [];
    seen.add(el);
    return [report('injected', `${found.join(', ')}: ${el.outerHTML.slice(0, 200)}`)];
  }
  function inspectTree(root: Element | Document | ShadowRoot): Promise<void>[] {
    const out: Promise<void>[] = [];
    if (root instanceof Element) out.push(...inspect(root));
    for (const el of Array.from(root.querySelectorAll('*'))) {
      out.push(...inspect(el));
      if (el.shadowRoot) out.push(...inspectTree(el.shadowRoot));
    }
    return out;
  }

  const options: MutationObserverInit = { childList: true, subtree: true, attributes: true };
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes' && r.target instanceof Element) inspect(r.target);
      for (const n of Array.from(r.addedNodes)) if (n instanceof Element) inspectTree(n);
    }
  });
  observer.observe(document, options);
  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (this: Element, init: ShadowRootInit) {
    const root = attachShadow.call(this, init);
    observer.observe(root, options);
    return root;
  };
  // The fence before a sweep: every image (in the document and in shadow roots) has loaded or
  // failed (a lazy one off screen may never start: the sweep still sees its attributes), and two frames have been painted since, so the load/error/toggle/focus events the
  // page had queued have run their handlers (a handler that runs reports through the binding,
  // whose message reaches Node before the answer of the evaluate that awaited this).
  w.__xssSettle = async () => {
    const images: HTMLImageElement[] = [];
    const walk = (root: Document | ShadowRoot) => {
      for (const el of Array.from(root.querySelectorAll('*'))) {
        if (el instanceof HTMLImageElement && !el.complete && el.loading !== 'lazy') images.push(el);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    await Promise.all(
      images.map(
        (img) =>
          new Promise<void>((resolve) => {
            img.addEventListener('load', () => resolve(), { once: true });
            img.addEventListener('error', () => resolve(), { once: true });
          }),
      ),
    );
    // A frame that is not rendered (hidden) paints no frames: a task after the queued ones then.
    const painted = new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0))));
    const hidden = new Promise<void>((resolve) => {
      if (document.visibilityState === 'hidden') setTimeout(resolve, 0);
    });
    await Promise.race([painted, hidden]);
  };
  w.__xssSweep = async () => {
    const pending = inspectTree(document);
    await Promise.all(pending);
    return pending.length;
  };
}

/** A browser context's findings; `expectClean` after each screen names where they came from. */
export class XssWatch {
  readonly findings: Finding[] = [];
  /** Every sweep so far (a test asserting "clean" must have looked at something). */
  sweeps = 0;

  private constructor(readonly context: BrowserContext) {}

  static async attach(context: BrowserContext): Promise<XssWatch> {
    const watch = new XssWatch(context);
    await context.exposeBinding('__xssReport', (_source, f: Finding) => {
      watch.findings.push(f);
    });
    await context.addInitScript(detector);
    const onPage = (page: Page) => {
      page.on('dialog', (d) => {
        watch.findings.push({ kind: 'dialog', detail: `${d.type()}: ${d.message()}`, url: page.url() });
        void d.dismiss().catch(() => undefined);
      });
      page.on('console', (msg) => {
        if (/Content.Security.Policy/i.test(msg.text())) watch.findings.push({ kind: 'csp', detail: msg.text(), url: msg.location().url });
      });
    };
    context.on('page', onPage);
    for (const p of context.pages()) onPage(p);
    return watch;
  }

  /**
   * Lets late events come in (an image's error, a focus: each frame's settle fence), sweeps every
   * frame of `page`, and returns (and forgets) what was found, each finding once.
   */
  async take(page: Page): Promise<Finding[]> {
    for (const frame of page.frames()) {
      let timer: NodeJS.Timeout | undefined;
      const swept = await Promise.race([
        frame
          .evaluate(async () => {
            if (!window.__xssSweep) return false;
            await window.__xssSettle?.();
            await window.__xssSweep();
            return true;
          })
          .catch(() => undefined),
        new Promise<'hung'>((resolve) => {
          timer = setTimeout(() => resolve('hung'), 10_000);
        }),
      ]);
      clearTimeout(timer);
      // A frame that navigated away meanwhile answers nothing (undefined); one that answers "no" has no detector.
      if (swept === false && frame.url() !== 'about:blank')
        this.findings.push({ kind: 'no detector', detail: 'the detector did not run in this frame', url: frame.url() });
      if (swept === 'hung')
        this.findings.push({ kind: 'no detector', detail: 'the frame did not answer within 10 s (a script running away?)', url: frame.url() });
    }
    this.sweeps++;
    const all = this.findings.splice(0);
    const once = new Map(all.map((f) => [`${f.kind} ${f.detail} ${f.url}`, f]));
    return [...once.values()];
  }

  /**
   * Proves the detector works in the frames of a real screen, under their CSP: an element with an
   * inline handler put into each of `frames` must show as injected and as a CSP violation, and
   * must not run.
   */
  async probe(page: Page, frames: Frame[], where: string): Promise<void> {
    expect(frames.length, `${where}: frames to probe`).toBeGreaterThan(0);
    await this.expectClean(page, `${where}, before the probe`);
    for (const f of frames) {
      await f.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<img id="xss-probe" src="/xss-probe.png" alt="" onerror="__xss(0)">'));
    }
    await expect
      .poll(async () => {
        this.findings.push(...(await this.take(page)));
        return frames.map((f) => {
          const kinds = new Set(this.findings.filter((x) => x.url === f.url()).map((x) => x.kind));
          return [...kinds].sort().join(' ');
        });
      })
      .toEqual(frames.map(() => 'csp injected'));
    for (const f of frames) await f.evaluate(() => document.getElementById('xss-probe')?.remove());
    this.findings.splice(0);
  }

  async expectClean(page: Page, where: string): Promise<void> {
    const found = await this.take(page);
    expect(
      found.map((f) => `${where}: ${f.kind}: ${f.detail} (${f.url})`),
      where,
    ).toEqual([]);
  }
}
