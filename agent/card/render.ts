import type { PrintRecord } from '../../hal/records/types.js';

/** CR80: 85.6 x 54 mm, in PDF points (1/72 inch). */
export const CARD_WIDTH_PT = 242.65;
export const CARD_HEIGHT_PT = 153.07;
export const CARD_MIME = 'application/pdf';

/** The photo area, in points from the lower left: where the printer driver expects the portrait. */
export const PHOTO_BOX = { x: 182, y: 38, w: 48, h: 64 } as const;

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
 * CR80. Written by hand: a card is a page of text and one image, and the output is checked
 * byte for byte in tests.
 */
export function renderCard(r: PrintRecord): Buffer {
  const lines: string[] = [];
  const text = (x: number, y: number, size: number, s: string, bold = false) =>
    lines.push(`BT /${bold ? 'F2' : 'F1'} ${size} Tf ${x} ${y} Td (${pdfText(s)}) Tj ET`);
  text(60, 140, 6.5, `PROVINSI ${r.province.replace(/^PROVINSI\s+/, '')}`, true);
  text(75, 132, 6.5, r.regency, true);
  text(10, 118, 8, `NIK : ${r.nik}`, true);
  const fields: [string, string][] = [
    ['Nama', r.name],
    ['Tempat/Tgl Lahir', `${r.birthPlace}, ${r.birthDate.split('-').reverse().join('-')}`],
    ['Jenis Kelamin', `${r.sex}${r.bloodType ? `   Gol. Darah : ${r.bloodType}` : ''}`],
    ['Alamat', r.address.street],
    ['   RT/RW', r.address.rtRw],
    ['   Kel/Desa', r.address.village],
    ['   Kecamatan', r.address.district],
    ['Agama', r.religion],
    ['Status Perkawinan', r.maritalStatus],
    ['Pekerjaan', r.occupation],
    ['Kewarganegaraan', r.nationality],
    ['Berlaku Hingga', r.validUntil],
  ];
  fields.forEach(([label, value], i) => {
    const y = 106 - i * 8;
    text(10, y, 5, label);
    text(62, y, 5, `: ${value}`);
  });
  text(PHOTO_BOX.x + 2, 28, 4.5, r.regency);
  text(PHOTO_BOX.x + 8, 22, 4.5, r.issuedAt.split('-').reverse().join('-'));

  const photo = r.photoBase64 ? Buffer.from(r.photoBase64, 'base64') : undefined;
  const size = photo ? jpegSize(photo) : undefined;
  if (photo && size) {
    lines.push(`q ${PHOTO_BOX.w} 0 0 ${PHOTO_BOX.h} ${PHOTO_BOX.x} ${PHOTO_BOX.y} cm /Im1 Do Q`);
  } else {
    lines.push(`0.5 w ${PHOTO_BOX.x} ${PHOTO_BOX.y} ${PHOTO_BOX.w} ${PHOTO_BOX.h} re S`);
    text(PHOTO_BOX.x + 14, PHOTO_BOX.y + 30, 5, 'FOTO');
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
