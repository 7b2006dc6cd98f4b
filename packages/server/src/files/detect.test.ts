import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DOCX, detectFileType, ooxmlKind, PPTX, XLSX } from './detect.js';
import { contentDisposition, safeFileName } from './names.js';

const pkg = (main: Record<string, string>, overrides: string, extra: Record<string, string> = {}) =>
  zipSync(
    Object.fromEntries(
      Object.entries({
        '[Content_Types].xml': `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">${overrides}</Types>`,
        '_rels/.rels': '<Relationships/>',
        ...main,
        ...extra,
      }).map(([k, v]) => [k, strToU8(v)]),
    ),
  );
const override = (part: string, type: string) => `<Override PartName="${part}" ContentType="${type}"/>`;
const WORD = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml';

describe('file types from content', () => {
  it('knows the three OOXML kinds by their main part, in either attribute order and quoting', () => {
    expect(ooxmlKind(pkg({ 'word/document.xml': '<w/>' }, override('/word/document.xml', WORD)))).toBe(DOCX);
    expect(
      ooxmlKind(
        pkg(
          { 'xl/workbook.xml': '<w/>' },
          `<Override ContentType='application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml' PartName='/xl/workbook.xml'/>`,
        ),
      ),
    ).toBe(XLSX);
    expect(
      ooxmlKind(
        pkg(
          { 'ppt/presentation.xml': '<p/>' },
          override('/ppt/presentation.xml', 'application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml'),
        ),
      ),
    ).toBe(PPTX);
  });

  it('refuses packages that only look like documents', () => {
    // the main part is named but missing
    expect(ooxmlKind(pkg({}, override('/word/document.xml', WORD)))).toBeUndefined();
    // a word/ folder without content types saying so
    expect(ooxmlKind(pkg({ 'word/document.xml': '<w/>' }, ''))).toBeUndefined();
    // macros inside
    expect(ooxmlKind(pkg({ 'word/document.xml': '<w/>' }, override('/word/document.xml', WORD), { 'word/vbaProject.bin': 'x' }))).toBeUndefined();
    // two kinds at once
    expect(
      ooxmlKind(
        pkg(
          { 'word/document.xml': '<w/>', 'xl/workbook.xml': '<w/>' },
          override('/word/document.xml', WORD) + override('/xl/workbook.xml', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml'),
        ),
      ),
    ).toBeUndefined();
    // no _rels/.rels
    expect(ooxmlKind(zipSync({ '[Content_Types].xml': strToU8(override('/word/document.xml', WORD)), 'word/document.xml': strToU8('<w/>') }))).toBeUndefined();
    // not a zip at all, or a truncated one
    expect(ooxmlKind(strToU8('PK\u0003\u0004 nothing else'))).toBeUndefined();
    const good = pkg({ 'word/document.xml': '<w/>' }, override('/word/document.xml', WORD));
    expect(ooxmlKind(good.subarray(0, good.length - 30))).toBeUndefined();
  });

  it('refuses empty input and text formats', async () => {
    expect(await detectFileType(new Uint8Array())).toBeUndefined();
    expect(await detectFileType(strToU8('<html><script>1</script></html>'))).toBeUndefined();
    expect(await detectFileType(strToU8('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(await detectFileType(strToU8('%PDF-1.4\n%%EOF'))).toBe('application/pdf');
  });
});

describe('file names', () => {
  it('keeps the name, drops paths and control characters, and fixes the extension to the real type', () => {
    expect(safeFileName('holiday.png', 'image/png')).toBe('holiday.png');
    expect(safeFileName('photo.JPEG', 'image/jpeg')).toBe('photo.JPEG');
    expect(safeFileName('../../etc/passwd', 'application/pdf')).toBe('passwd.pdf');
    expect(safeFileName('C:\\Users\\me\\report.docx', DOCX)).toBe('report.docx');
    expect(safeFileName('invoice.html', 'image/png')).toBe('invoice.html.png');
    expect(safeFileName('evil\u202egnp.exe', 'image/png')).toBe('evilgnp.exe.png');
    expect(safeFileName('a"b\u0000c.gif', 'image/gif')).toBe('abc.gif');
    expect(safeFileName('', 'image/gif')).toBe('file.gif');
    expect(safeFileName('...', 'image/gif')).toBe('file.gif');
    expect(safeFileName(undefined, 'application/pdf')).toBe('file.pdf');
    const long = safeFileName(`${'x'.repeat(300)}.pdf`, 'application/pdf');
    expect(long.length).toBe(120);
    expect(long.endsWith('.pdf')).toBe(true);
  });

  it('writes Content-Disposition with an ASCII fallback and the UTF-8 name', () => {
    expect(contentDisposition('attachment', 'Angebot für Jo.pdf')).toBe(
      `attachment; filename="Angebot f_r Jo.pdf"; filename*=UTF-8''Angebot%20f%C3%BCr%20Jo.pdf`,
    );
    expect(contentDisposition('inline', "it's (1).png")).toBe(`inline; filename="it's (1).png"; filename*=UTF-8''it%27s%20%281%29.png`);
  });
});
