import { unzipSync } from 'fflate';

/**
 * What an uploaded file really is, decided from its bytes only: the magic numbers (file-type), and
 * for DOCX/XLSX/PPTX the OOXML package structure. The name and the declared type are never asked.
 */

export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif'] as const;
export const DOCUMENT_TYPES = ['application/pdf', DOCX, XLSX, PPTX] as const;
/** Voice notes and audio files consumers send on messaging channels (WhatsApp, Telegram), kept as files. */
export const AUDIO_TYPES = ['audio/ogg', 'audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/amr'] as const;
export type AllowedType = (typeof IMAGE_TYPES)[number] | (typeof DOCUMENT_TYPES)[number] | (typeof AUDIO_TYPES)[number];

/** Consumers send photos; agents send photos and documents. */
export const CONSUMER_TYPES: readonly AllowedType[] = IMAGE_TYPES;
export const AGENT_TYPES: readonly AllowedType[] = [...IMAGE_TYPES, ...DOCUMENT_TYPES];
/** What a channel's provider may hand us from a consumer: photos, documents and audio (checked by content like uploads). */
export const CHANNEL_MEDIA_TYPES: readonly AllowedType[] = [...IMAGE_TYPES, ...DOCUMENT_TYPES, ...AUDIO_TYPES];

export const EXTENSION: Record<AllowedType, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'application/pdf': 'pdf',
  [DOCX]: 'docx',
  [XLSX]: 'xlsx',
  [PPTX]: 'pptx',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
};

export const isImage = (type: string): boolean => (IMAGE_TYPES as readonly string[]).includes(type);

/** The OOXML main part content type (in [Content_Types].xml) of each accepted package kind. */
const OOXML_MAIN: Record<string, AllowedType> = {
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml': DOCX,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml': XLSX,
  'application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml': PPTX,
};

/** [Content_Types].xml is a few kB in real documents; anything bigger is not worth inflating. */
const MAX_CONTENT_TYPES_BYTES = 1 << 20;

const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, 'i').exec(tag);
  return m ? (m[2] ?? m[3]) : undefined;
};

/**
 * DOCX, XLSX or PPTX when `buf` is an OOXML package of that kind: a ZIP whose central directory
 * has `_rels/.rels` and `[Content_Types].xml`, whose content types name exactly one accepted main
 * part (…document.main+xml, …sheet.main+xml, …presentation.main+xml) that is present in the archive
 * (e.g. word/document.xml), and no VBA project. A plain ZIP renamed .docx, a macro-enabled or
 * template package, or a damaged archive is undefined.
 */
export function ooxmlKind(buf: Uint8Array): AllowedType | undefined {
  const names = new Set<string>();
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(buf, {
      filter: (f) => {
        names.add(f.name.toLowerCase());
        return f.name === '[Content_Types].xml' && f.originalSize <= MAX_CONTENT_TYPES_BYTES && f.size <= MAX_CONTENT_TYPES_BYTES;
      },
    });
  } catch {
    return undefined;
  }
  const ct = entries['[Content_Types].xml'];
  if (!ct || !names.has('_rels/.rels')) return undefined;
  if ([...names].some((n) => n.endsWith('vbaproject.bin'))) return undefined;
  let xml: string;
  try {
    xml = new TextDecoder('utf-8', { fatal: true }).decode(ct);
  } catch {
    return undefined;
  }
  const kinds = new Set<AllowedType>();
  for (const m of xml.matchAll(/<(?:\w+:)?Override\b[^>]*>/gi)) {
    const tag = m[0];
    const type = attr(tag, 'ContentType')?.trim().toLowerCase();
    const part = attr(tag, 'PartName');
    if (!type || !part) continue;
    const kind = Object.entries(OOXML_MAIN).find(([k]) => k.toLowerCase() === type)?.[1];
    if (!kind) continue;
    // The main part must really be in the package (part names are case-insensitive in OPC).
    if (!names.has(part.replace(/^\//, '').toLowerCase())) return undefined;
    kinds.add(kind);
  }
  return kinds.size === 1 ? [...kinds][0] : undefined;
}

/** The allowed type of `buf`, or undefined for anything else (empty, HTML, SVG, executables, archives, …). */
export async function detectFileType(buf: Uint8Array): Promise<AllowedType | undefined> {
  if (buf.length === 0) return undefined;
  // Loaded at the first upload (file-type and its tokenizers), not when the server starts.
  const { fileTypeFromBuffer } = await import('file-type');
  const found = await fileTypeFromBuffer(buf).catch(() => undefined);
  if (!found) return undefined;
  switch (found.mime) {
    case 'image/jpeg':
    case 'image/png':
    case 'image/gif':
    case 'application/pdf':
      return found.mime;
    case 'image/apng': // an animated PNG is a PNG
      return 'image/png';
    case 'audio/ogg':
    case 'audio/opus':
      return 'audio/ogg';
    case 'audio/mpeg':
    case 'audio/aac':
    case 'audio/amr':
      return found.mime;
    case 'audio/mp4':
    case 'audio/x-m4a':
      return 'audio/mp4';
    case 'application/zip':
    case DOCX:
    case XLSX:
    case PPTX:
      return ooxmlKind(buf);
    default:
      return undefined;
  }
}
