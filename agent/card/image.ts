/**
 * The front of one card as a PNG at the printer's resolution (300 dpi CR80: 1012 x 638 px),
 * for printers reached through the Windows spooler, which prints images, not PDF. It draws the
 * same layout as the PDF card (layout.ts): the same fields at the same places, the portrait in
 * the photo area. Drawn with @napi-rs/canvas (Skia; its Windows binary ships in the npm
 * package), with the PC's own fonts: Arial on Windows, the metric twin of the PDF's Helvetica.
 */
import type { PrintRecord } from '../../hal/records/types.js';
import { CARD_HEIGHT_PT, CARD_WIDTH_PT, cardLayout, PHOTO_BOX, type CardText } from './layout.js';

export const CARD_IMAGE_MIME = 'image/png';

/** Helvetica's metric twins first (Windows, then Linux), then any sans-serif the PC has. */
const FAMILIES = ['Arial', 'Helvetica', 'Liberation Sans', 'Nimbus Sans', 'DejaVu Sans'];

/** Pixels of a CR80 card at `dpi`, rounded up so the card's edge is inside the image. */
export function cardPixels(dpi: number): { width: number; height: number } {
  return { width: Math.ceil((CARD_WIDTH_PT / 72) * dpi), height: Math.ceil((CARD_HEIGHT_PT / 72) * dpi) };
}

export async function renderCardImage(r: PrintRecord, dpi: number): Promise<Buffer> {
  const { createCanvas, GlobalFonts, loadImage } = await import('@napi-rs/canvas');
  const installed = new Set(GlobalFonts.families.map((f) => f.family));
  const family = FAMILIES.find((f) => installed.has(f));
  // A card without its text would be a spoiled card: refuse rather than print it.
  if (family === undefined) throw new Error(`no font to write the card's text with (looked for ${FAMILIES.join(', ')}); install one of them`);

  const layout = cardLayout(r);
  const { width, height } = cardPixels(dpi);
  const scale = dpi / 72;
  const x = (pt: number) => pt * scale;
  const y = (pt: number) => (CARD_HEIGHT_PT - pt) * scale; // PDF measures from the bottom, the canvas from the top
  const canvas = createCanvas(width, height);
  const g = canvas.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#000000';
  g.strokeStyle = '#000000';
  g.textBaseline = 'alphabetic';
  const text = (t: CardText) => {
    g.font = `${t.bold ? 'bold ' : ''}${(t.size * scale).toFixed(2)}px "${family}"`;
    g.fillText(t.text, x(t.x), y(t.y));
  };
  layout.texts.forEach(text);

  const box = { left: x(PHOTO_BOX.x), top: y(PHOTO_BOX.y + PHOTO_BOX.h), w: PHOTO_BOX.w * scale, h: PHOTO_BOX.h * scale };
  if (layout.photo) {
    let photo;
    try {
      photo = await loadImage(layout.photo);
    } catch (err) {
      // The portrait is part of the card: a card without it must not come out as if complete.
      throw new Error(`the record's photo cannot be decoded (${(err as Error).message})`);
    }
    g.drawImage(photo, box.left, box.top, box.w, box.h);
  } else {
    g.lineWidth = 0.5 * scale;
    g.strokeRect(box.left, box.top, box.w, box.h);
    text(layout.noPhoto);
  }
  return canvas.toBuffer('image/png');
}
