/**
 * The front of an e-KTP card, laid out once: where each line of text and the photo go, in PDF
 * points (1/72 inch) from the lower left of a CR80 card. The PDF renderer (render.ts) and the
 * image renderer (image.ts) both draw this list, so the two documents carry the same fields.
 */
import type { PrintRecord } from '../../hal/records/types.js';

/** CR80: 85.6 x 54 mm, in PDF points (1/72 inch). */
export const CARD_WIDTH_PT = 242.65;
export const CARD_HEIGHT_PT = 153.07;

/** The photo area, in points from the lower left: where the printer driver expects the portrait. */
export const PHOTO_BOX = { x: 182, y: 38, w: 48, h: 64 } as const;

/** One line of text: its baseline's start, its size in points, Helvetica or Helvetica-Bold. */
export interface CardText {
  x: number;
  y: number;
  size: number;
  text: string;
  bold: boolean;
}

export interface CardLayout {
  texts: CardText[];
  /** The record's portrait (a JPEG), if it has one. */
  photo: Buffer | undefined;
  /** Shown in the empty photo area when there is no portrait. */
  noPhoto: CardText;
}

const ddmmyyyy = (isoDate: string): string => isoDate.split('-').reverse().join('-');

export function cardLayout(r: PrintRecord): CardLayout {
  const texts: CardText[] = [];
  const text = (x: number, y: number, size: number, s: string, bold = false) => texts.push({ x, y, size, text: s, bold });
  text(60, 140, 6.5, `PROVINSI ${r.province.replace(/^PROVINSI\s+/, '')}`, true);
  text(75, 132, 6.5, r.regency, true);
  text(10, 118, 8, `NIK : ${r.nik}`, true);
  const fields: [string, string][] = [
    ['Nama', r.name],
    ['Tempat/Tgl Lahir', `${r.birthPlace}, ${ddmmyyyy(r.birthDate)}`],
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
  text(PHOTO_BOX.x + 8, 22, 4.5, ddmmyyyy(r.issuedAt));
  const photo = r.photoBase64 ? Buffer.from(r.photoBase64, 'base64') : undefined;
  return { texts, photo, noPhoto: { x: PHOTO_BOX.x + 14, y: PHOTO_BOX.y + 30, size: 5, text: 'FOTO', bold: false } };
}
