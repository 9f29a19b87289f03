// The office's part of the station page: the store room's book at the store PC, where a printer's
// stack comes from elsewhere, and the hand-over slip of a movement. Values go in as text only.
'use strict';

const OFFICE_WORDS = {
  store: { id: 'Gudang kantor', en: "The office's store" },
  blanks: { id: 'blangko', en: 'blank cards' },
  ribbon: { id: 'gulungan pita', en: 'ribbon rolls' },
  film: { id: 'gulungan film', en: 'film rolls' },
  receive: { id: 'Kiriman dari kementerian diterima', en: 'Delivery from the ministry received' },
  send: { id: 'Dibawa ke printer (mencetak surat serah terima)', en: 'Carried to a printer (prints the hand-over slip)' },
  returned: { id: 'Dikembalikan printer (nomor dari suratnya)', en: 'Sent back by a printer (number from its slip)' },
  lend: { id: 'Dipinjamkan ke kantor lain', en: 'Lent to another office' },
  borrow: { id: 'Dipinjam dari kantor lain (nomor dari suratnya)', en: 'Borrowed from another office (number from its slip)' },
  count: { id: 'Hitung fisik gudang', en: 'Physical count of the store' },
  n: { id: 'Jumlah', en: 'Quantity' },
  counted: { id: 'Terhitung', en: 'Counted' },
  batch: { id: 'Nomor batch', en: 'Batch no.' },
  document: { id: 'No. berita acara', en: 'Hand-over record no.' },
  again: { id: 'Nomor ini memang kedua kalinya', en: 'This number really is a second time' },
  to: { id: 'Kepada', en: 'To' },
  from: { id: 'Dari stasiun', en: 'From station' },
  office: { id: 'Kantor peminjam', en: 'Borrowing office' },
  fromOffice: { id: 'Kantor pemberi', en: 'Lending office' },
  transfer: { id: 'Nomor transfer', en: 'Transfer no.' },
  reason: { id: 'Alasan', en: 'Reason' },
  save: { id: 'Simpan', en: 'Save' },
  sent: { id: 'Dikirim (dikonfirmasi di penerima)', en: 'Sent (confirmed at the receiver)' },
  day: { id: 'Tanggal', en: 'Date' },
  what: { id: 'Barang', en: 'Goods' },
  slipButton: { id: 'Surat', en: 'Slip' },
  slipTitle: { id: 'SURAT SERAH TERIMA', en: 'HAND-OVER SLIP' },
  loan: { id: 'pinjaman antar kantor', en: 'loan between offices' },
  gave: { id: 'Yang menyerahkan', en: 'Handed over by' },
  took: { id: 'Yang menerima', en: 'Received by' },
  note: { id: 'Penerima mengetik nomor transfer ini saat mencatat penerimaan.', en: 'The receiver types this transfer number when recording the receipt.' },
  print: { id: 'Cetak surat', en: 'Print slip' },
  close: { id: 'Tutup', en: 'Close' },
  storePc: { id: 'PC gudang kantor: tidak ada printer di sini', en: "The office's store PC: no printer here" },
  storePcWhy: { id: 'Catat kiriman, tumpukan ke printer, pinjaman dan hitungan di kartu Gudang kantor.', en: "Record deliveries, stacks to the printers, loans and counts in the office's store card." },
  keptAtStore: { id: 'Blangko di sini diambil dari gudang kantor: catat dengan nomor transfer dari suratnya.', en: "Blanks here come from the office's store: record them with the transfer number from its slip." },
};

let officeLang = 'id';
let office = null;
/** A transfer just made, whose slip shows once the page has read it back. */
let pendingSlip = null;
const ow = (k) => OFFICE_WORDS[k]?.[officeLang] ?? k;
const oid = (x) => document.getElementById(x);
const cell = (text) => {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
};

function showSlip(s) {
  if (!s || !office) return;
  oid('slip-title').textContent = `${ow('slipTitle')}${s.loan ? ` (${ow('loan')})` : ''}`;
  const rows = [
    [ow('transfer'), s.transfer],
    [ow('what'), `${s.quantity} ${ow(s.supply)}`],
    [ow('from').replace(/stasiun|station/i, '').trim() || 'From', office.name ? `${office.id} (${office.name})` : office.id],
    [ow('to'), s.to],
    [ow('day'), s.day],
  ];
  oid('slip-lines').replaceChildren(
    ...rows.map(([k, v]) => {
      const tr = document.createElement('tr');
      tr.append(cell(k), cell(v));
      return tr;
    }),
  );
  oid('slip-gave').textContent = ow('gave');
  oid('slip-took').textContent = ow('took');
  oid('slip-note').textContent = ow('note');
  oid('slip').hidden = false;
  oid('slip').scrollIntoView();
}

function renderOffice(data) {
  for (const e of document.querySelectorAll('[data-o]')) e.textContent = ow(e.dataset.o);
  office = data.office ?? null;
  const card = oid('office-card');
  const printer = data.view ? data.view.printerPresent !== false : true;
  for (const id of ['queue-card', 'verify-card', 'recent-card', 'supplies-card', 'blanks-card']) {
    const c = oid(id);
    if (c) c.hidden = !printer;
  }
  if (!printer) {
    oid('banner').className = 'banner ok';
    oid('banner-title').textContent = ow('storePc');
    oid('banner-why').textContent = ow('storePcWhy');
    oid('banner-todo').textContent = '';
  }
  // Where the office keeps a store book, a printer takes its blanks by transfer only.
  const batch = oid('batch-field');
  if (batch) batch.hidden = Boolean(office && office.keptAtStore);
  oid('slip-print').textContent = ow('print');
  oid('slip-close').textContent = ow('close');
  if (!office || !office.store) {
    card.hidden = true;
    return;
  }
  card.hidden = false;
  oid('o-name').textContent = office.name ? `${office.id} · ${office.name}` : office.id;
  oid('o-blanks').textContent = String(office.onHand?.blanks ?? '-');
  oid('o-ribbon').textContent = String(office.onHand?.ribbon ?? '-');
  oid('o-film').textContent = String(office.onHand?.film ?? '-');
  const reg = oid('o-register');
  if (reg.options.length !== office.register.length) {
    reg.replaceChildren(
      ...office.register.map((s) => {
        const o = document.createElement('option');
        o.value = s;
        o.textContent = s;
        return o;
      }),
    );
  }
  oid('o-sent').replaceChildren(
    ...office.sent.map((s) => {
      const tr = document.createElement('tr');
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'plain';
      b.textContent = ow('slipButton');
      b.addEventListener('click', () => showSlip(s));
      const last = document.createElement('td');
      last.append(b);
      tr.append(cell(s.transfer), cell(s.day), cell(`${s.quantity} ${ow(s.supply)}`), cell(s.to), last);
      return tr;
    }),
  );
  const made = pendingSlip && office.sent.find((s) => s.transfer === pendingSlip);
  if (made) {
    pendingSlip = null;
    showSlip(made);
  }
}

document.addEventListener('station:view', (ev) => {
  officeLang = ev.detail.lang;
  renderOffice(ev.detail.view);
});
document.addEventListener('station:acted', (ev) => {
  const t = ev.detail.result.transfer;
  // A movement of the store just made: its slip, from the view the page reads next.
  if (t && ev.detail.action.startsWith('office-')) pendingSlip = t;
});
oid('slip-print').addEventListener('click', () => window.print());
oid('slip-close').addEventListener('click', () => {
  oid('slip').hidden = true;
});
