import type { PrintRecord } from '../../hal/records/types.js';
import { CARD_HEIGHT_PT, CARD_WIDTH_PT, cardLayout, PHOTO_BOX, type CardText } from './layout.js';

export { CARD_HEIGHT_PT, CARD_WIDTH_PT, PHOTO_BOX } from './layout.js';
export const CARD_MIME = 'application/pdf';

/** PDF text strings are Latin-1 with \ ( ) escaped; anything else becomes '?'. */
function pdfText(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?').replace(/[\\()]/g, (c) => `\\${c}`);
}

/** Width and height from a JPEG's SOF marker, or undefined if it is not a baseline/progressive JPEG. */
export function jpegSize(buf: Buffer): { width: number; height: number } | undefined {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return undefined;
  let i = 2;
  while (i + 9 < buf.length) {
    if (buf[i] !== 0xff) return undefined;
    const marker = buf[i + 1] ?? 0;
    const len = buf.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc3) return { height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
    i += 2 + len;
  }
  return undefined;
}

/**
 * The front of one card as a one-page PDF: the e-KTP layout (province and regency heading, NIK,
 * the fields, the photo area with the record's JPEG portrait, or a marked empty box), sized to
 * CR80, where layout.ts places them. Written by hand: a card is a page of text and one image,
 * and the output is checked byte for byte in tests.
 */
export function renderCard(r: PrintRecord): Buffer {
  const layout = cardLayout(r);
  const lines: string[] = [];
  const text = (t: CardText) =>
    lines.push(`BT /${t.bold ? 'F2' : 'F1'} ${t.size} Tf ${t.x} ${t.y} Td (${pdfText(t.text)}) Tj ET`);
  layout.texts.forEach(text);

  const photo = layout.photo;
  const size = photo ? jpegSize(photo) : undefined;
  if (photo && size) {
    lines.push(`q ${PHOTO_BOX.w} 0 0 ${PHOTO_BOX.h} ${PHOTO_BOX.x} ${PHOTO_BOX.y} cm /Im1 Do Q`);
  } else {
    lines.push(`0.5 w ${PHOTO_BOX.x} ${PHOTO_BOX.y} ${PHOTO_BOX.w} ${PHOTO_BOX.h} re S`);
    text(layout.noPhoto);
  }
  const content = Buffer.from(lines.join('\n'), 'latin1');

  const objects: Buffer[] = [];
  const obj = (body: string | Buffer[]) => objects.push(Array.isArray(body) ? Buffer.concat(body) : Buffer.from(body, 'latin1'));
  obj('<< /Type /Catalog /Pages 2 0 R >>');
  obj('<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  obj(
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${CARD_WIDTH_PT} ${CARD_HEIGHT_PT}] /Contents 6 0 R ` +
      `/Resources << /Font << /F1 4 0 R /F2 5 0 R >>${size ? ' /XObject << /Im1 7 0 R >>' : ''} >> >>`,
  );
  obj('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  obj('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
  obj([Buffer.from(`<< /Length ${content.length} >>\nstream\n`, 'latin1'), content, Buffer.from('\nendstream', 'latin1')]);
  if (photo && size) {
    obj([
      Buffer.from(`<< /Type /XObject /Subtype /Image /Width ${size.width} /Height ${size.height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ${photo.length} >>\nstream\n`, 'latin1'),
      photo,
      Buffer.from('\nendstream', 'latin1'),
    ]);
  }

  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0]?.length ?? 0;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), body, Buffer.from('\nendobj\n', 'latin1')]);
    parts.push(chunk);
    offset += chunk.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n`, '0000000000 65535 f \n', ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${offset}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}
