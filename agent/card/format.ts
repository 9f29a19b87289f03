/** The card in the form the printer's driver takes: the PDF page, or an image at its resolution. */
import type { CardFormat } from '../../hal/printer/types.js';
import type { PrintRecord } from '../../hal/records/types.js';
import { CARD_MIME, renderCard } from './render.js';

export interface RenderedCard {
  document: Buffer;
  mimeType: string;
}

/** `pdf` stands in for the PDF renderer (tests); the image renderer is loaded only when asked for. */
export async function renderFor(r: PrintRecord, format: CardFormat | undefined, pdf: (r: PrintRecord) => Buffer = renderCard): Promise<RenderedCard> {
  if (format?.mimeType === 'image/png') {
    const { renderCardImage, CARD_IMAGE_MIME } = await import('./image.js');
    return { document: await renderCardImage(r, format.dpi), mimeType: CARD_IMAGE_MIME };
  }
  return { document: pdf(r), mimeType: CARD_MIME };
}
