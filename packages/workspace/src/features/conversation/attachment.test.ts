import { describe, expect, it } from 'vitest';
import { attachmentProblem, hasThumbnail, pasteIsFile } from './attachment.js';

describe('attachments in the composer', () => {
  it('accepts the types agents may send, by type or by name', () => {
    for (const [name, type] of [
      ['photo.jpg', 'image/jpeg'],
      ['image.png', 'image/png'],
      ['anim.gif', 'image/gif'],
      ['invoice.pdf', 'application/pdf'],
      ['offer.docx', ''],
      ['sheet.XLSX', ''],
      ['deck.pptx', 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
      ['no-extension', 'application/pdf'],
    ])
      expect(attachmentProblem({ name: name as string, type: type as string, size: 10 }), name).toBeNull();
  });

  it('refuses other types and empty files, saying why', () => {
    expect(attachmentProblem({ name: 'notes.txt', type: 'text/plain', size: 5 })).toBe(
      'notes.txt cannot be sent: only JPEG, PNG, GIF, PDF, DOCX, XLSX and PPTX files can.',
    );
    expect(attachmentProblem({ name: 'macro.docm', type: '', size: 5 })).toMatch(/cannot be sent/);
    expect(attachmentProblem({ name: 'drawing.svg', type: 'image/svg+xml', size: 5 })).toMatch(/cannot be sent/);
    expect(attachmentProblem({ name: 'empty.pdf', type: 'application/pdf', size: 0 })).toBe('empty.pdf is empty.');
  });

  it('shows a thumbnail for photos only', () => {
    expect(hasThumbnail({ name: 'a.png', type: 'image/png', size: 1 })).toBe(true);
    expect(hasThumbnail({ name: 'a.pdf', type: 'application/pdf', size: 1 })).toBe(false);
    expect(hasThumbnail({ name: 'a.svg', type: 'image/svg+xml', size: 1 })).toBe(false);
  });

  it('takes a paste as a file only when the clipboard has no text', () => {
    expect(pasteIsFile(1, '')).toBe(true);
    expect(pasteIsFile(1, 'Quarterly figures')).toBe(false); // Word: text with a picture of it
    expect(pasteIsFile(0, '')).toBe(false);
  });
});
