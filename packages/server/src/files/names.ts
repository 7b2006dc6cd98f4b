import { type AllowedType, EXTENSION } from './detect.js';

const MAX_NAME = 120;
const ALSO: Partial<Record<AllowedType, string[]>> = { 'image/jpeg': ['jpeg', 'jpe'] };

/**
 * A display and download name from what the client sent: no path, no control or bidi-override
 * characters, at most 120 characters, and ending in the extension of the type the content really
 * is (`report.html` that is a PNG becomes `report.html.png`), so a saved file opens as what it is.
 */
export function safeFileName(raw: string | undefined, type: AllowedType): string {
  const ext = EXTENSION[type];
  let name = (raw ?? '')
    .normalize('NFC')
    .replace(/^.*[/\\]/, '')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff"]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  if (!name) name = 'file';
  const dot = name.lastIndexOf('.');
  const given = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  const fits = given === ext || (ALSO[type] ?? []).includes(given);
  const suffix = fits ? '' : `.${ext}`;
  const room = MAX_NAME - suffix.length;
  if (name.length > room) {
    // keep the (fitting) extension when shortening
    const keep = fits ? name.slice(dot) : '';
    name =
      [...name.slice(0, name.length - keep.length)]
        .slice(0, room - keep.length)
        .join('')
        .trimEnd() + keep;
  }
  return name + suffix;
}

/** `Content-Disposition` with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 8187). */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const utf8 = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}
