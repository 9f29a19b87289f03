/**
 * The office a station belongs to (`station.office`) and the office's store room (`office`):
 * who keeps the store's book, the register of the office's printing stations, and the figures
 * the book and the province count with. An office (a regency's Dukcapil, or a sub-district
 * service point) has 2 to 9 printers, each on its own PC, and one store room.
 */
import { z } from 'zod';

const TOPIC_SAFE = /^[A-Za-z0-9._-]+$/;

/** An office id: unique in the country (e.g. 5371-DINAS, 5308-KEC-ABANG); it names the office's transfers. */
export const officeIdField = () =>
  z
    .string()
    .min(1)
    .max(48)
    .regex(TOPIC_SAFE, 'an office id is letters, digits, ".", "_" or "-", e.g. "5371-DINAS"');

export const stationOfficeSchema = () =>
  z
    .strictObject({
      id: officeIdField().describe('The office\'s id, unique in the country: the regency code and the office, e.g. "5371-DINAS" or "5308-KEC-ABANG". Its transfers are numbered under it (5371-DINAS-T12).'),
      name: z.string().min(1).max(200).optional().describe('The office\'s name for people, e.g. "Dinas Dukcapil Kota Kupang".'),
    })
    .describe('The office this station belongs to; every PC of one office names the same id. Without it: the regency code and "-DINAS".');

export const officeSchema = () =>
  z
    .strictObject({
      store: z
        .boolean()
        .default(false)
        .describe('This PC keeps the office\'s store-room book (deliveries from the ministry, stacks and rolls carried to the printers, loans): one PC of an office, with or without a printer (printer.driver: none).'),
      stations: z
        .array(z.string().min(1).max(64).regex(TOPIC_SAFE, 'a station id: letters, digits, ".", "_" or "-"'))
        .max(64)
        .default([])
        .describe('The office\'s register: the ids of its printing stations. At the store PC a stack is sent only to a station of it.'),
      keptAtStore: z
        .boolean()
        .default(false)
        .describe('At a printing PC: the office keeps a store-room book, so blanks arrive here only from the store (stock receive N --transfer ID) and a delivery from the ministry is counted at the store, once. The stack beside the printer is not the office\'s stock: office.restock says when to fetch more.'),
      leadDays: z.number().min(0).max(365).optional().describe('Days a delivery of blanks takes to reach the office after it writes for them; default alerts.leadDays.blanks.'),
      boxSize: z.number().int().min(1).max(100_000).default(100).describe('Blanks in a box: requests are rounded up to whole boxes.'),
      transitDays: z.number().min(0).max(60).default(2).describe('A transfer sent and not confirmed after this many days is a problem in the reconciliation, not in transit.'),
      restockHours: z.number().min(0.5).max(168).default(8).describe('At a printing PC of an office with a store book: office.restock is raised when the stack runs out within this many hours at the station\'s rate.'),
      rollPrice: z
        .strictObject({
          ribbon: z.number().min(0).max(1e10).optional().describe('Price of one ribbon roll, in rupiah (about Rp 3.6 million).'),
          film: z.number().min(0).max(1e10).optional().describe('Price of one roll of retransfer film, in rupiah.'),
        })
        .prefault({})
        .describe('Prices for the regency\'s purchase plan (optional).'),
    })
    .prefault({})
    .refine((o) => !(o.store && o.keptAtStore), { message: 'a PC either keeps the store book (store: true) or takes its stacks from it (keptAtStore: true), not both: the store PC\'s own printer takes its stacks from its own book', path: ['keptAtStore'] })
    .describe('The office\'s store room and its book.');

export type OfficeConfig = z.infer<ReturnType<typeof officeSchema>>;

/** The office a station belongs to: configured, or its regency's Dukcapil by default. */
export function officeOf(station: { regency: string; office?: { id: string; name?: string } }): { id: string; name?: string } {
  return station.office ?? { id: `${station.regency}-DINAS` };
}
