/**
 * What a technician reads when `ups dump` or `ups decode` cannot read a UPS or a capture. The
 * driver's own message names what it found (a device, a byte, a line) and is kept as it is; what
 * to do is said here per code, in both languages. The driver's English hint is the English one
 * where it gives one: it can name a missing library or a second program holding the UPS.
 */
import { unreachable } from '../../core/errors.js';
import { codeOf, type HalError } from '../../hal/errors.js';
import { HID_ERRORS } from '../../hal/ups/hid/error.js';
import { UPS_ERRORS } from '../../hal/ups/types.js';
import type { Text } from '../../core/i18n.js';

const RECAPTURE: Text = {
  id: 'Tangkap ulang UPS dengan `station-agent ups dump` dan pastikan berkasnya tersalin utuh.',
  en: 'Capture the UPS again with `station-agent ups dump` and check that the file was copied whole.',
};
const SAME_UPS: Text = {
  id: 'Pastikan berkas laporan dan berkas deskriptor ditangkap dari UPS yang sama.',
  en: 'Check that the reports file was captured from the same UPS as the descriptor file.',
};

/** A reports file with no report in it: the wrong file given, or a UPS that sent nothing. */
export const REPORTS_EMPTY_HINT: Text = {
  id: `Berikan berkas .reports.hex yang ditulis station-agent ups dump; bila berkas itu kosong, UPS tidak mengirim apa pun: ${RECAPTURE.id}`,
  en: `Give the .reports.hex file that station-agent ups dump wrote; if that one is empty, the UPS sent nothing: ${RECAPTURE.en}`,
};

function hintFor(err: HalError): Text {
  const code = codeOf(err, [...UPS_ERRORS, ...HID_ERRORS], 'comm-lost');
  switch (code) {
    case 'hid-unavailable':
      return {
        id: 'Pasang node-hid di folder agen (npm install node-hid, versi 3 atau lebih baru) beserta pustaka USB (apt-get install libusb-1.0-0 libudev1), atau baca UPS lewat NUT (ups.driver: nut).',
        en: 'Install node-hid in the agent folder (npm install node-hid), or read the UPS through NUT instead (ups.driver: nut).',
      };
    case 'hid-unsupported':
      return { id: 'Di PC ini, baca UPS lewat NUT (ups.driver: nut).', en: 'On this PC, read the UPS through NUT (ups.driver: nut).' };
    case 'hid-not-found':
      return {
        id: 'Periksa kabel USB UPS dan pastikan UPS menyala (lsusb menampilkannya); pilih UPS dengan --vendor, --product atau --path.',
        en: 'Check the UPS USB cable and that the UPS is on (lsusb lists it); choose it with --vendor, --product or --path.',
      };
    case 'hid-ambiguous':
      return { id: 'Pilih satu perangkat dengan --path (atau --vendor dan --product).', en: 'Choose one device with --path (or --vendor and --product).' };
    case 'hid-permission':
      return {
        id: 'Pasang aturan udev deploy/linux/60-station-agent-ups.rules (scripts/install-linux.sh memasangnya), pastikan pengguna agen ada di grup station-agent, lalu jalankan udevadm control --reload && udevadm trigger dan colokkan ulang UPS.',
        en: "Install the udev rule deploy/linux/60-station-agent-ups.rules (scripts/install-linux.sh does), make sure the agent's user is in the station-agent group, then run udevadm control --reload && udevadm trigger and plug the UPS in again.",
      };
    case 'comm-lost':
    case 'timeout':
      return {
        id: 'Periksa kabel USB UPS. Bila driver usbhid-ups milik NUT (atau agen) berjalan di PC ini, ia memegang UPS: hentikan dulu.',
        en: "Check the UPS USB cable. If NUT's usbhid-ups driver (or the agent) runs on this PC it holds the UPS: stop it first.",
      };
    case 'protocol':
    case 'not-configured':
      return { id: 'Periksa kabel USB UPS dan coba lagi.', en: 'Check the UPS USB cable and try again.' };
    case 'hid-hex-invalid':
      return {
        id: 'Isinya harus bita hex seperti "05 84 09 04 a1 01"; baris yang diawali # adalah komentar.',
        en: 'Expected hex bytes such as "05 84 09 04 a1 01"; lines starting with # are comments.',
      };
    case 'hid-report-unknown':
      return SAME_UPS;
    case 'hid-report-length':
      return { id: `${SAME_UPS.id} ${RECAPTURE.id}`, en: `${SAME_UPS.en} ${RECAPTURE.en}` };
    case 'hid-descriptor-invalid':
    case 'hid-report-invalid':
      return RECAPTURE;
    case 'hid-reports-empty':
      return REPORTS_EMPTY_HINT;
    default:
      return unreachable(code);
  }
}

/** What to do about a driver's error: in Indonesian by its code; in English the driver's own words where it has them. */
export function upsHint(err: HalError): Text {
  const hint = hintFor(err);
  return { id: hint.id, en: err.hint ?? hint.en };
}
