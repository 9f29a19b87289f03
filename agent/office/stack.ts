/**
 * A printing PC's end of the office's movements: a stack (or rolls) taken from the store with the
 * transfer id on its hand-over slip, a stack sent back. Where the office keeps a store book
 * (office.keptAtStore), a delivery from the ministry is counted at the store only, so a printer
 * takes its blanks by transfer only: a delivery of 3,000 is never counted on two PCs.
 */
import type { Config } from '../config/schema.js';
import { Ledger, type StockSummary } from '../ledger/blanks.js';
import { SupplyLedger, type RollKind, type SupplyCount } from '../ledger/supplies.js';
import type { Store } from '../store/store.js';
import { officeOf } from './config.js';
import { bySurface } from '../../core/i18n.js';
import { FIELDS, usage } from './refusals.js';
import { transferFrom } from './transfer.js';

type Where = Pick<Config, 'station' | 'office'>;

/** Exactly one of a batch (a delivery) and a transfer (a stack from the store), and only a transfer where the store counts deliveries. */
function checkSource(config: Where, o: { batch?: string; transfer?: string }): { batch: string } | { transfer: string } {
  if ((o.batch === undefined) === (o.transfer === undefined)) {
    throw usage(
      bySurface(
        {
          id: '--batch, --transfer: berikan tepat satu: --batch B untuk kiriman dari kementerian, --transfer ID untuk tumpukan dari gudang kantor',
          en: '--batch, --transfer: give exactly one: --batch B for a delivery from the ministry, --transfer ID for a stack from the office\'s store',
        },
        {
          id: 'Nomor batch, nomor transfer: isi salah satu saja: nomor batch untuk kiriman dari kementerian, nomor transfer untuk tumpukan dari gudang kantor',
          en: 'Batch, transfer number: fill in one only: the batch for a delivery from the ministry, the transfer number for a stack from the office\'s store',
        },
      ),
    );
  }
  if (o.transfer !== undefined) {
    const office = officeOf(config.station).id;
    return { transfer: transferFrom(o.transfer, office, FIELDS.transfer, { id: `gudang kantor ${office}`, en: `the store of office ${office}` }) };
  }
  if (config.office.keptAtStore) {
    const office = officeOf(config.station).id;
    throw usage(
      bySurface(
        {
          id: `--batch: kantor ${office} mencatat gudangnya sendiri (office.keptAtStore), jadi kiriman dari kementerian dihitung sekali, di gudang; di printer ini blangko diterima dengan --transfer ID dari surat serah terima gudang`,
          en: `--batch: office ${office} keeps a store book (office.keptAtStore), so a delivery from the ministry is counted once, at the store; at this printer blanks are taken with --transfer ID from the store's hand-over slip`,
        },
        {
          id: `Nomor batch: kantor ${office} mencatat gudangnya sendiri, jadi kiriman dari kementerian dihitung sekali, di gudang; di printer ini blangko diterima dengan nomor transfer dari surat serah terima gudang`,
          en: `Batch: office ${office} keeps a store book, so a delivery from the ministry is counted once, at the store; at this printer blanks are taken with the transfer number from the store's hand-over slip`,
        },
      ),
      bySurface(
        { id: 'Catat kiriman di PC gudang: station-agent office receive N --batch B.', en: 'Record the delivery at the store PC: station-agent office receive N --batch B.' },
        { id: 'Catat kiriman di halaman stasiun PC gudang ("Kiriman dari kementerian diterima").', en: 'Record the delivery on the store PC\'s station page ("Delivery from the ministry received").' },
      ),
    );
  }
  return { batch: o.batch ?? '' };
}

export async function receiveBlanks(store: Store, config: Where, n: number, o: { batch?: string; transfer?: string; again?: boolean; at?: number }): Promise<StockSummary & { entry: number }> {
  const source = checkSource(config, o);
  const ledger = new Ledger(store.db);
  return 'transfer' in source ? ledger.receiveTransfer(n, source.transfer, o) : ledger.receive(n, source.batch, o);
}

export async function receiveRolls(
  store: Store,
  config: Where & { forecast: Pick<Config['forecast'], 'cardsPerSupply'> },
  kind: RollKind,
  n: number,
  o: { lot?: string; transfer?: string; again?: boolean; at?: number },
): Promise<SupplyCount> {
  const ledger = new SupplyLedger(store.db, config.forecast.cardsPerSupply);
  if (o.transfer === undefined) {
    if (config.office.keptAtStore) checkSource(config, { batch: 'rolls' });
    return ledger.receive(kind, n, o);
  }
  const { transfer } = checkSource(config, { transfer: o.transfer }) as { transfer: string };
  return ledger.receive(kind, n, { ...o, transfer });
}

/** A stack sent back to the store: the transfer id the store confirms it with. */
export function returnBlanks(store: Store, config: Where, n: number, o: { force?: boolean; reason?: string; at?: number } = {}): Promise<StockSummary & { entry: number; transfer: string }> {
  return new Ledger(store.db).sendBack(n, config.station.id, o);
}
