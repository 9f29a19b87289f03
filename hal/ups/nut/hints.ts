import type { Text } from '../../../core/i18n.js';

/**
 * What a technician does about each way upsd can fail, in Indonesian and English. Kept apart
 * from the driver so the protocol code stays readable; the driver picks one per error it throws.
 */
export const NUT_HINT = {
  driverDown: {
    id: 'Driver NUT untuk UPS ini tidak berjalan: jalankan (`upsdrvctl start`) dan periksa kabel UPS.',
    en: 'The NUT driver for this UPS is not running: start it (upsdrvctl start) and check the UPS cable.',
  },
  stale: {
    id: 'Driver NUT berhenti memperbarui data: periksa kabel data UPS, lalu jalankan ulang driver NUT.',
    en: 'The NUT driver stopped updating: check the UPS data cable, then restart the NUT driver.',
  },
  noTls: {
    id: 'Beri upsd sertifikat (CERTPATH dan CERTIDENT, atau CERTFILE, di upsd.conf) lalu jalankan ulang, atau hapus ups.tls.',
    en: 'Give upsd a certificate (CERTPATH and CERTIDENT, or CERTFILE, in upsd.conf) and restart it, or remove ups.tls.',
  },
  unknownUps: {
    id: 'Cocokkan ups.name dengan nama-nama di ups.conf (upsc -l).',
    en: 'Check ups.name against the names in ups.conf (upsc -l).',
  },
  login: {
    id: 'Cocokkan ups.username dan ups.passwordFile dengan upsd.users.',
    en: 'Check ups.username and ups.passwordFile against upsd.users.',
  },
  services: {
    id: 'Periksa layanan NUT (upsd dan driver UPS).',
    en: 'Check the NUT services (upsd and the UPS driver).',
  },
  waiting: {
    id: 'Pastikan upsd berjalan, dan periksa ups.host / ups.port.',
    en: 'Check that upsd runs and ups.host / ups.port.',
  },
  caFile: {
    id: 'Periksa ups.tls.ca dan pastikan agen boleh membacanya.',
    en: 'Check ups.tls.ca and that the agent may read it.',
  },
  tlsSlow: {
    id: 'Pastikan TLS sudah diatur di upsd.',
    en: 'Check that upsd has TLS configured.',
  },
  tlsFailed: {
    id: 'Cocokkan ups.tls.ca dengan CA yang menandatangani sertifikat upsd, dan pastikan sertifikat itu menyebut ups.host.',
    en: "Check ups.tls.ca against the CA that signed upsd's certificate, and that the certificate names ups.host.",
  },
  address: {
    id: 'Periksa ups.host dan ups.port, serta jaringannya.',
    en: 'Check ups.host and ups.port, and the network.',
  },
  refused: {
    id: 'Jalankan server NUT (upsd), atau periksa ups.host dan ups.port.',
    en: 'Start the NUT server (upsd), or check ups.host and ups.port.',
  },
  passwordFile: {
    id: 'Periksa ups.passwordFile dan pastikan agen boleh membacanya.',
    en: 'Check ups.passwordFile and that the agent may read it.',
  },
  misbehaving: {
    id: 'upsd atau driver-nya bermasalah: jalankan ulang layanan NUT.',
    en: 'upsd or its driver is misbehaving: restart the NUT services.',
  },
  hung: {
    id: 'upsd atau driver-nya macet: jalankan ulang layanan NUT.',
    en: 'upsd or its driver is hung: restart the NUT services.',
  },
  notNut: {
    id: 'Pastikan ups.host dan ups.port menunjuk ke upsd (NUT), bukan layanan lain.',
    en: 'Check that ups.host and ups.port point at upsd (NUT), not another service.',
  },
  notNutRestart: {
    id: 'Pastikan ups.host dan ups.port menunjuk ke upsd, lalu jalankan ulang layanan NUT.',
    en: 'Check that ups.host and ups.port point at upsd, and restart the NUT services.',
  },
  notUpsd: {
    id: 'Pastikan ups.host dan ups.port menunjuk ke upsd.',
    en: 'Check that ups.host and ups.port point at upsd.',
  },
  ended: {
    id: 'Pastikan upsd berjalan (mungkin baru saja dijalankan ulang).',
    en: 'Check that upsd runs (it may have been restarted).',
  },
} satisfies Record<string, Text>;

/** Fixed messages: they name nothing that was found, so they are said in both languages. */
export const NUT_SAYS = {
  driverDown: { id: 'upsd tidak tersambung ke driver UPS', en: 'upsd has no connection to the UPS driver' },
  stale: { id: 'upsd menyatakan data UPS sudah usang', en: 'upsd says the UPS data is stale' },
  tlsSlow: { id: 'jabat tangan TLS dengan upsd tidak selesai tepat waktu', en: 'the TLS handshake with upsd did not finish in time' },
  notConnected: { id: 'tidak tersambung ke upsd', en: 'not connected to upsd' },
  silent: { id: 'upsd tidak menjawab tepat waktu', en: 'upsd did not answer in time' },
} satisfies Record<string, Text>;
