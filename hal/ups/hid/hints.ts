import type { Text } from '../../../core/i18n.js';

/**
 * What a technician does when a USB UPS, or a capture of one, cannot be read: in Indonesian
 * and English. `ups dump` and `ups decode` show these as the driver gives them, so each error
 * carries the advice for both the running agent and the bench.
 */
const recapture: Text = {
  id: 'Tangkap ulang UPS dengan `station-agent ups dump` dan pastikan berkasnya tersalin utuh.',
  en: 'Capture the UPS again with `station-agent ups dump` and check that the file was copied whole.',
};

export const HID_HINT = {
  recapture,
  sameUps: {
    id: 'Pastikan berkas laporan ditangkap dari UPS yang sama dengan berkas deskriptor.',
    en: 'Check that the reports file was captured from the same UPS as the descriptor file.',
  },
  sameUpsRecapture: {
    id: `Pastikan laporan dan deskriptor berasal dari UPS yang sama. ${recapture.id}`,
    en: `Check that the reports and the descriptor come from the same UPS. ${recapture.en}`,
  },
  hex: {
    id: 'Isinya harus bita hex seperti "05 84 09 04 a1 01"; baris yang diawali # adalah komentar.',
    en: 'Expected hex bytes such as "05 84 09 04 a1 01"; lines starting with # are comments.',
  },
  notUps: {
    id: 'Perangkat ini bukan "HID Power Device", atau membawa protokol serial lewat USB: baca lewat NUT (nutdrv_qx, blazer_usb).',
    en: 'It is not a HID Power Device, or it carries a serial protocol over USB: read it through NUT (nutdrv_qx, blazer_usb).',
  },
  cableReopen: {
    id: 'Periksa kabel USB UPS; agen akan membuka UPS lagi dengan sendirinya.',
    en: 'Check the UPS USB cable; the agent opens the UPS again by itself.',
  },
  cable: { id: 'Periksa kabel USB UPS.', en: 'Check the UPS USB cable.' },
  held: {
    id: 'Periksa kabel USB UPS. Bila driver usbhid-ups milik NUT (atau agen) berjalan di PC ini, ia memegang UPS: hentikan dulu.',
    en: "Check the UPS USB cable. If NUT's usbhid-ups driver (or the agent) runs on this PC it holds the UPS: stop it first.",
  },
  install: {
    id: 'Pasang node-hid di folder agen (npm install node-hid), atau baca UPS lewat NUT (ups.driver: nut).',
    en: 'Install it in the agent folder (npm install node-hid), or read the UPS through NUT instead (ups.driver: nut).',
  },
  libraries: {
    id: 'Pasang pustaka USB: apt-get install libusb-1.0-0 libudev1 (lalu jalankan ulang agen).',
    en: 'Install the USB libraries: apt-get install libusb-1.0-0 libudev1 (then restart the agent).',
  },
  reinstall: {
    id: 'Pasang ulang node-hid (npm install node-hid) untuk versi Node.js ini, atau gunakan ups.driver: nut.',
    en: 'Reinstall node-hid (npm install node-hid) for this Node.js version, or use ups.driver: nut.',
  },
  version3: { id: 'Jalankan npm install node-hid@3.', en: 'npm install node-hid@3' },
  notFound: {
    id: 'Periksa kabel USB UPS dan pastikan UPS menyala (lsusb menampilkannya); pilih UPS dengan ups.vendorId/productId atau ups.path (ups dump: --vendor, --product, --path).',
    en: 'Check the UPS USB cable and that the UPS is on (lsusb lists it); choose it with ups.vendorId/productId or ups.path (ups dump: --vendor, --product, --path).',
  },
  ambiguous: {
    id: 'Isi ups.path (atau ups.vendorId dan ups.productId) dengan perangkat yang akan dipakai.',
    en: 'Set ups.path (or ups.vendorId and ups.productId) to the one to use.',
  },
  unsupported: { id: 'Di PC ini, baca UPS lewat NUT (ups.driver: nut).', en: 'On this PC, read the UPS through NUT (ups.driver: nut).' },
  unplugged: {
    id: 'UPS tercabut atau dikenali ulang oleh sistem: periksa kabel USB.',
    en: 'The UPS was unplugged or re-enumerated: check the USB cable.',
  },
  permission: {
    id: 'Pasang aturan udev deploy/linux/60-station-agent-ups.rules (scripts/install-linux.sh memasangnya), pastikan pengguna agen ada di grup station-agent, lalu jalankan udevadm control --reload && udevadm trigger dan colokkan ulang UPS.',
    en: "Install the udev rule deploy/linux/60-station-agent-ups.rules (scripts/install-linux.sh does), make sure the agent's user is in the station-agent group, then run udevadm control --reload && udevadm trigger and plug the UPS in again.",
  },
  heldByNut: {
    id: 'Bila driver usbhid-ups milik NUT berjalan di PC ini, ia memegang UPS: hentikan, atau gunakan ups.driver: nut.',
    en: "If NUT's usbhid-ups driver runs on this PC it holds the UPS: stop it, or use ups.driver: nut.",
  },
  setPath: { id: 'Isi ups.path.', en: 'Set ups.path.' },
} satisfies Record<string, Text>;

/** Fixed messages: they name nothing that was found, so they are said in both languages. */
export const HID_SAYS = {
  notInstalled: {
    id: 'paket node-hid belum terpasang, jadi UPS USB tidak bisa dibaca langsung',
    en: 'the node-hid package is not installed, so a USB UPS cannot be read directly',
  },
  tooOld: {
    id: 'node-hid yang terpasang tidak punya devicesAsync/HIDAsync (perlu versi 3 atau lebih baru)',
    en: 'the installed node-hid has no devicesAsync/HIDAsync (version 3 or later is needed)',
  },
  waiting: {
    id: 'UPS USB tidak bisa dibuka (menunggu sebelum mencoba lagi)',
    en: 'the USB UPS could not be opened (waiting before trying again)',
  },
  emptyReport: {
    id: 'laporan kosong: seharusnya ada bita id laporan beserta datanya',
    en: 'an empty report: expected the report id byte and its data',
  },
} satisfies Record<string, Text>;
