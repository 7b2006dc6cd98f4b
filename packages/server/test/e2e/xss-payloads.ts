/**
 * The stored-XSS corpus of xss.e2e.test.ts: 40 payloads, each calling `__xss(<id>)` when it runs
 * (the test's detector defines that marker in every frame), most of them also leaving an element
 * the detector recognizes (an `on…` handler, a `javascript:` URL, an `xss-canary` class, …) when
 * they are parsed as HTML. Most fit in 64 characters (a custom variable key); the rest only go
 * where the field takes them (see `fits`).
 */

export interface Payload {
  /** The number `__xss()` reports. */
  id: number;
  /** What the payload tries. */
  kind: string;
  text: string;
  /**
   * Inert when parsed as HTML (a formula, entities, a template, a markdown link…): harmful only
   * if something decodes, evaluates or interprets it, which the browser test would then see run.
   */
  inertAsHtml: boolean;
}

const m = (id: number) => `__xss(${id})`;

const raw: [kind: string, text: (id: number) => string][] = [
  ['script tag', (i) => `<script>${m(i)}</script>`],
  ['img onerror', (i) => `<img src=x onerror=${m(i)}>`],
  ['svg onload', (i) => `<svg onload=${m(i)}>`],
  ['svg animate onbegin', (i) => `<svg><animate onbegin=${m(i)} attributeName=x dur=1s>`],
  ['javascript: link', (i) => `<a href="javascript:${m(i)}">click</a>`],
  ['iframe srcdoc', (i) => `<iframe srcdoc="<script>parent.${m(i)}</script>">`],
  ['iframe javascript: src', (i) => `<iframe src=javascript:${m(i)}></iframe>`],
  ['attribute breakout, double quote', (i) => `"><svg onload=${m(i)}>`],
  ['attribute breakout, single quote', (i) => `'><img src=x onerror=${m(i)}>`],
  ['attribute injection without tags', (i) => `" autofocus onfocus="${m(i)}" x="`],
  ['markdown link', (i) => `[click me](javascript:${m(i)})`],
  ['markdown image', (i) => `![x](x" onerror="${m(i)})`],
  ['template expression', (i) => `{{constructor.constructor('${m(i)}')()}}`],
  ['template literal', (i) => `\${${m(i)}}#{${m(i)}}<%= ${m(i)} %>`],
  ['</textarea> breakout', (i) => `</textarea><img src=x onerror=${m(i)}>`],
  ['</script> breakout', (i) => `</script><script>${m(i)}</script>`],
  ['</title> breakout', (i) => `</title><svg/onload=${m(i)}>`],
  ['CSS injection', (i) => `</style><style>*{background:url("javascript:${m(i)}")}</style>`],
  ['style expression', (i) => `<div class=xss-canary style="x:expression(${m(i)})">`],
  ['data: URI link', (i) => `<a href="data:text/html,<script>${m(i)}</script>">x</a>`],
  ['object javascript: data', (i) => `<object data=javascript:${m(i)}></object>`],
  ['HTML entities', (i) => `&lt;img src=x onerror=${m(i)}&gt;&#60;b&#62;`],
  ['URL encoding', (i) => `%3Cimg%20src%3Dx%20onerror%3D${m(i)}%3E`],
  ['mXSS noscript', (i) => `<noscript><p title="</noscript><img src=x onerror=${m(i)}>">`],
  ['mXSS svg/style', (i) => `<svg></p><style><a id="</style><img src=1 onerror=${m(i)}>">`],
  ['mXSS math/mglyph', (i) => `<math><mtext><table><mglyph><style><img src=x onerror=${m(i)}>`],
  ['bidi override and zero-width', (i) => `\u202e<img src=x onerror=${m(i)}>\u202d<\u200bsvg onload=${m(i)}>`],
  ['fullwidth brackets (NFKC)', (i) => `\uff1cimg src=x onerror=${m(i)}\uff1e`],
  ['@mention with HTML', (i) => `@xagent <img src=x onerror=${m(i)}>`],
  ['details ontoggle', (i) => `<details open ontoggle=${m(i)}>`],
  ['input autofocus onfocus', (i) => `<input autofocus onfocus=${m(i)}>`],
  ['base href', (i) => `<base href="javascript:${m(i)}//">`],
  ['meta refresh', (i) => `<meta http-equiv=refresh content="0;url=javascript:${m(i)}">`],
  ['formaction', (i) => `<form><button formaction=javascript:${m(i)}>x</button></form>`],
  ['CSV formula =', (i) => `=HYPERLINK("javascript:${m(i)}","x")`],
  ['CSV formula +', (i) => `+${m(i)}+cmd|' /C calc'!A0`],
  ['CSV formula -', (i) => `-2+3+cmd|' /C ${m(i)}'!A0`],
  ['CSV formula @', (i) => `@SUM(1+1)*cmd|' /C ${m(i)}'!A0`],
  ['HTML canary element', (i) => `<b class=xss-canary id=xss-canary-${i}>bold</b><u>${m(i)}</u>`],
  [
    'polyglot',
    (i) =>
      `jaVasCript:/*-/*\`/*\\\`/*'/*"/**/(/* */oNcliCk=${m(i)} )//%0D%0A%0d%0a//</stYle/</titLe/</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=${m(i)}//>\\x3e`,
  ],
];

const INERT = new Set([
  'markdown link',
  'template expression',
  'template literal',
  'HTML entities',
  'URL encoding',
  'fullwidth brackets (NFKC)',
  'CSV formula =',
  'CSV formula +',
  'CSV formula -',
  'CSV formula @',
]);

export const PAYLOADS: readonly Payload[] = raw.map(([kind, text], n) => ({ id: n + 1, kind, text: text(n + 1), inertAsHtml: INERT.has(kind) }));

/** The payloads a field of at most `max` characters takes. */
export const fits = (max: number): Payload[] => PAYLOADS.filter((p) => p.text.length <= max);

/**
 * As many payloads as fit in one field of `max` characters, joined: for the fields that exist
 * once on a screen (the visitor's name in the widget, the agent's own name).
 */
export function packed(max: number, from = 0): string {
  let out = '';
  for (const p of [...PAYLOADS.slice(from), ...PAYLOADS.slice(0, from)]) {
    if (out.length + p.text.length > max) continue;
    out += p.text;
  }
  return out;
}
