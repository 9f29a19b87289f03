// Words of the page in Indonesian (default) and English. Alert codes stay as the contract names them.
export const WORDS = {
  id: {
    title: 'Dasbor stasiun cetak e-KTP', fleet: 'Stasiun', ranking: 'Peringkat cetak', lending: 'Saran pinjam', alerts: 'Peringatan',
    online: 'daring', offline: 'terputus', unknown: 'tidak diketahui', stale: 'data lama', live: 'langsung',
    regency: 'Kabupaten/kota', problem: 'Masalah', all: 'semua', shown: '{n} dari {m} stasiun',
    station: 'Stasiun', connection: 'Koneksi', lastSeen: 'terakhir {t}', power: 'Listrik', printer: 'Printer',
    ribbon: 'Pita', film: 'Film', blanks: 'Blangko', stock: 'Stok blangko', queue: 'Antrean', printedToday: 'Cetak hari ini', activeAlerts: 'Peringatan aktif',
    days: '{n} hari', noDays: '? hari',
    p_offline: 'terputus', p_power: 'listrik', p_printer: 'printer', p_supplies: 'bahan habis', p_jobs: 'antrean', p_host: 'PC/penyimpanan', p_stale: 'data lama',
    ups_online: 'PLN', ups_on_battery: 'baterai', ups_low_battery: 'baterai lemah', ups_unknown: '?',
    st_idle: 'siap', st_printing: 'mencetak', st_stopped: 'berhenti', st_offline: 'mati', st_unknown: '?',
    summaryStations: '{n} stasiun', summaryOffline: '{n} terputus', summaryCritical: '{n} kritis',
    today: 'Hari ini', week: '7 hari', perDay: 'Rata-rata/hari', backlog: 'Antrean (hari)', flags: 'Tanda',
    below_threshold: 'di bawah target', 'backlog_flag': 'antrean menumpuk',
    lendNone: 'Tidak ada stasiun yang kehabisan dalam waktu tunggu pengiriman.',
    needs: '{station} ({regency}): {kind} {state}', runsOutIn: 'habis dalam {n} hari', isEmpty: 'HABIS',
    lenderLine: '{station} ({regency}, {dist}): sisa {spare}', km: '{n} km', distUnknown: 'jarak tidak diketahui',
    spareDays: '{n} hari lebih', spareLevel: '{n} % (pemakaian belum diketahui)', noLender: 'tidak ada stasiun lain di provinsi dengan kelebihan',
    ack: 'Tandai diketahui', acked: 'diketahui {t}', raised: 'muncul', cleared: 'selesai',
    back: '← semua stasiun', history: 'Riwayat', supplyHistory: 'Bahan (%)', printedPerDay: 'Kartu dicetak per hari', powerHistory: 'Baterai UPS (%)',
    diagnostics: 'Diagnosa terakhir', none: 'belum ada', recentAlerts: 'Peringatan terbaru', model: 'Model printer', cardsPerDay: 'Kartu/hari',
  },
  en: {
    title: 'e-KTP printing stations', fleet: 'Stations', ranking: 'Output ranking', lending: 'Lending', alerts: 'Alerts',
    online: 'online', offline: 'offline', unknown: 'unknown', stale: 'stale', live: 'live',
    regency: 'Regency', problem: 'Problem', all: 'all', shown: '{n} of {m} stations',
    station: 'Station', connection: 'Connection', lastSeen: 'seen {t}', power: 'Power', printer: 'Printer',
    ribbon: 'Ribbon', film: 'Film', blanks: 'Blanks', stock: 'Blank stock', queue: 'Queue', printedToday: 'Printed today', activeAlerts: 'Active alerts',
    days: '{n} days', noDays: '? days',
    p_offline: 'offline', p_power: 'power', p_printer: 'printer', p_supplies: 'supplies', p_jobs: 'queue', p_host: 'PC/storage', p_stale: 'stale data',
    ups_online: 'mains', ups_on_battery: 'on battery', ups_low_battery: 'battery low', ups_unknown: '?',
    st_idle: 'idle', st_printing: 'printing', st_stopped: 'stopped', st_offline: 'off', st_unknown: '?',
    summaryStations: '{n} stations', summaryOffline: '{n} offline', summaryCritical: '{n} critical',
    today: 'Today', week: '7 days', perDay: 'Per day', backlog: 'Queue (days)', flags: 'Flags',
    below_threshold: 'below target', 'backlog_flag': 'queue building up',
    lendNone: 'No station runs out inside its refill lead time.',
    needs: '{station} ({regency}): {kind} {state}', runsOutIn: 'runs out in {n} days', isEmpty: 'EMPTY',
    lenderLine: '{station} ({regency}, {dist}): spare {spare}', km: '{n} km', distUnknown: 'distance unknown',
    spareDays: '{n} days beyond its needs', spareLevel: '{n} % (its use not known yet)', noLender: 'no other station of the province has enough to spare',
    ack: 'Acknowledge', acked: 'acknowledged {t}', raised: 'raised', cleared: 'cleared',
    back: '← all stations', history: 'History', supplyHistory: 'Supplies (%)', printedPerDay: 'Cards printed per day', powerHistory: 'UPS charge (%)',
    diagnostics: 'Last diagnostics', none: 'none yet', recentAlerts: 'Recent alerts', model: 'Printer model', cardsPerDay: 'Cards/day',
  },
};

export function translate(lang, key, vars = {}) {
  const text = WORDS[lang]?.[key] ?? WORDS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
}
