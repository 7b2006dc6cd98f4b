/**
 * What the agent may attach in the composer, checked before a file is shown for sending. The
 * server decides the type from the bytes (docs/files-and-surveys.md); this only spares the agent
 * a round trip for what can never go (a pasted text file, an empty file, a dropped folder).
 */

/** The file input's `accept`: the types agents may send. */
export const ATTACHMENT_ACCEPT =
  '.jpg,.jpeg,.png,.gif,.pdf,.docx,.xlsx,.pptx,image/jpeg,image/png,image/gif,application/pdf,' +
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document,' +
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,' +
  'application/vnd.openxmlformats-officedocument.presentationml.presentation';

const TYPES = new Set(ATTACHMENT_ACCEPT.split(',').filter((t) => t.includes('/')));
const EXTENSION = /\.(jpe?g|png|gif|pdf|docx|xlsx|pptx)$/i;

export interface FileFacts {
  name: string;
  /** The browser's idea of the type ("" when it has none). */
  type: string;
  size: number;
}

/** Why a file cannot be attached, in words for the agent; null when it may be shown for sending. */
export function attachmentProblem(f: FileFacts): string | null {
  if (!TYPES.has(f.type) && !EXTENSION.test(f.name)) return `${f.name || 'This file'} cannot be sent: only JPEG, PNG, GIF, PDF, DOCX, XLSX and PPTX files can.`;
  if (f.size === 0) return `${f.name || 'This file'} is empty.`;
  return null;
}

/** Images the composer shows as a thumbnail before they go. */
export const hasThumbnail = (f: FileFacts): boolean => /^image\/(jpeg|png|gif)$/.test(f.type);

/**
 * Whether a paste is a file to attach rather than text: the clipboard holds files and no plain
 * text. (Copying from Word or a web page carries a picture of the selection beside its text;
 * that paste stays text. A screenshot or a copied image has no text.)
 */
export function pasteIsFile(files: number, plainText: string): boolean {
  return files > 0 && plainText.trim() === '';
}
