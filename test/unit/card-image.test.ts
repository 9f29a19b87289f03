import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { renderFor } from '../../agent/card/format.js';
import { cardPixels, renderCardImage } from '../../agent/card/image.js';
import { cardLayout, CARD_HEIGHT_PT, PHOTO_BOX } from '../../agent/card/layout.js';
import { renderCard } from '../../agent/card/render.js';
import { syntheticRecord } from '../../hal/records/sim/driver.js';

const DPI = 300;
const scale = DPI / 72;

async function pixels(png: Buffer) {
  const img = await loadImage(png);
  const c = createCanvas(img.width, img.height);
  const g = c.getContext('2d');
  g.drawImage(img, 0, 0);
  return { width: img.width, height: img.height, data: g.getImageData(0, 0, img.width, img.height).data };
}

/** Dark pixels in a band of the card given in PDF points (x from the left, y of the text's baseline). */
function darkIn(p: Awaited<ReturnType<typeof pixels>>, xPt: [number, number], baselinePt: number, sizePt: number): number {
  let n = 0;
  const top = Math.floor((CARD_HEIGHT_PT - baselinePt - sizePt) * scale);
  const bottom = Math.ceil((CARD_HEIGHT_PT - baselinePt + sizePt * 0.3) * scale);
  for (let y = Math.max(0, top); y < Math.min(p.height, bottom); y++) {
    for (let x = Math.floor(xPt[0] * scale); x < Math.min(p.width, Math.ceil(xPt[1] * scale)); x++) {
      const i = (y * p.width + x) * 4;
      if ((p.data[i] ?? 255) < 100 && (p.data[i + 1] ?? 255) < 100 && (p.data[i + 2] ?? 255) < 100) n++;
    }
  }
  return n;
}

function redJpeg(): Buffer {
  const c = createCanvas(60, 80);
  const g = c.getContext('2d');
  g.fillStyle = '#c00000';
  g.fillRect(0, 0, 60, 80);
  return c.toBuffer('image/jpeg');
}

describe('the card as an image for the Windows spooler', () => {
  it('is a PNG of a CR80 card at the printer resolution: 1012 x 638 at 300 dpi, white where nothing is drawn', async () => {
    expect(cardPixels(300)).toEqual({ width: 1012, height: 638 });
    expect(cardPixels(600)).toEqual({ width: 2023, height: 1276 });
    const png = await renderCardImage(syntheticRecord('R-1'), DPI);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const p = await pixels(png);
    expect([p.width, p.height]).toEqual([1012, 638]);
    expect([...p.data.subarray(0, 4)]).toEqual([255, 255, 255, 255]);
  });

  it("draws every line of the PDF card's layout where the PDF puts it, and a field's own value changes only its own line", async () => {
    const r = syntheticRecord('R-1');
    const a = await pixels(await renderCardImage(r, DPI));
    const b = await pixels(await renderCardImage({ ...r, name: 'NAMA YANG LAIN SEKALI' }, DPI));
    const layout = cardLayout(r);
    for (const t of layout.texts) expect(darkIn(a, [t.x, t.x + 60], t.y, t.size), `no text drawn for "${t.text}"`).toBeGreaterThan(20);
    const nameValue = layout.texts.find((t) => t.text === `: ${r.name}`);
    const nik = layout.texts.find((t) => t.text.startsWith('NIK'));
    if (!nameValue || !nik) throw new Error('layout without name or NIK');
    expect(darkIn(a, [nameValue.x, 180], nameValue.y, nameValue.size)).not.toBe(darkIn(b, [nameValue.x, 180], nameValue.y, nameValue.size));
    expect(darkIn(a, [nik.x, 180], nik.y, nik.size)).toBe(darkIn(b, [nik.x, 180], nik.y, nik.size));
  });

  it('puts the portrait in the photo area, and an empty marked box without one', async () => {
    const centre = (p: Awaited<ReturnType<typeof pixels>>) => {
      const x = Math.round((PHOTO_BOX.x + PHOTO_BOX.w / 2) * scale);
      const y = Math.round((CARD_HEIGHT_PT - PHOTO_BOX.y - PHOTO_BOX.h / 2) * scale);
      const i = (y * p.width + x) * 4;
      return [p.data[i], p.data[i + 1], p.data[i + 2]];
    };
    const withPhoto = await pixels(await renderCardImage({ ...syntheticRecord('R-2'), photoBase64: redJpeg().toString('base64') }, DPI));
    const [r, g, b] = centre(withPhoto);
    expect(r).toBeGreaterThan(150);
    expect(g).toBeLessThan(60);
    expect(b).toBeLessThan(60);
    const without = await pixels(await renderCardImage(syntheticRecord('R-2'), DPI));
    expect(centre(without)).toEqual([255, 255, 255]);
    expect(darkIn(without, [PHOTO_BOX.x + 14, PHOTO_BOX.x + 40], PHOTO_BOX.y + 30, 5)).toBeGreaterThan(20); // FOTO
  });

  it('refuses a portrait it cannot decode rather than print a card without it', async () => {
    await expect(renderCardImage({ ...syntheticRecord('R-3'), photoBase64: Buffer.from('not a jpeg').toString('base64') }, DPI)).rejects.toThrow(/photo cannot be decoded/);
  });

  it('renderFor gives each driver the form it takes: the PDF by default, the image when it asks', async () => {
    const pdf = await renderFor(syntheticRecord('R-4'), undefined);
    expect(pdf.mimeType).toBe('application/pdf');
    expect(pdf.document.equals(renderCard(syntheticRecord('R-4')))).toBe(true);
    const img = await renderFor(syntheticRecord('R-4'), { mimeType: 'image/png', dpi: 150 });
    expect(img.mimeType).toBe('image/png');
    expect((await pixels(img.document)).width).toBe(cardPixels(150).width);
  });
});
