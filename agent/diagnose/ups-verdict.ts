import { unreachable } from '../../core/errors.js';
import type { PowerState, UpsReading } from '../../hal/ups/types.js';
import type { Config } from '../config/schema.js';
import { powerView, type UpsBody } from '../station/power.js';
import { upsBody } from '../station/snapshot.js';
import { fail, pass, warn, type Facts, type Text, type Verdict } from './types.js';

/** A battery older than this is worth planning a replacement for (UPS batteries last 3 to 5 years). */
const OLD_BATTERY_YEARS = 3;

/** The year of a battery date as UPSes give it: 2019/03/12, 2019-03-12, 03/12/19 (APC), 03/12/2019. */
export function batteryYear(date: string | null): number | null {
  if (!date) return null;
  const iso = /^(\d{4})[/-]\d{1,2}[/-]\d{1,2}/.exec(date.trim());
  if (iso) return Number(iso[1]);
  const us = /^\d{1,2}[/-]\d{1,2}[/-](\d{2}|\d{4})$/.exec(date.trim());
  if (!us?.[1]) return null;
  const y = Number(us[1]);
  return us[1].length === 2 ? 2000 + y : y;
}

/**
 * The UPS check's verdict from one reading, judged by the same power state machine as the print
 * gate and the alerts (one judgement everywhere): on battery under the configured limits is a
 * low battery here too. Then the UPS's alarms, then its battery's age.
 */
export function upsVerdict(driver: string, r: UpsReading, config: Pick<Config, 'alerts'>, now: Date): Verdict {
  return upsBodyVerdict(upsBody(driver, { ok: true, value: r }), config, now);
}

/**
 * The same verdict from a reading as health carries it. `judged`: the running agent's own power
 * state, which has seen the whole outage (a low battery stays low until mains returns); one
 * reading alone cannot know that, so the agent's judgement wins where it is given.
 */
export function upsBodyVerdict(body: UpsBody, config: Pick<Config, 'alerts'>, now: Date, judged?: PowerState): Verdict {
  const alone = powerView(body, config.alerts);
  const view = judged === undefined || judged === alone.state ? alone : { ...alone, state: judged, why: 'the battery went low earlier in this outage' };
  const facts: Facts = {
    driver: body.driver,
    status: body.status,
    powerState: view.state,
    chargePercent: body.chargePercent,
    runtimeSeconds: body.runtimeSeconds,
    inputVoltage: body.inputVoltage,
    alarms: (body.alarms ?? []).join(', ') || null,
    batteryDate: body.battery?.date ?? null,
    testResult: body.battery?.testResult ?? null,
  };
  const hints: { level: 'warn' | 'fail'; text: Text }[] = [];
  switch (view.state) {
    case 'shutdown_imminent':
    case 'low_battery':
      if (view.onBattery !== false) hints.push({ level: 'fail', text: { en: `UPS battery low (${view.why}): save work; printing waits for mains power.`, id: `Baterai UPS lemah (${view.why}): simpan pekerjaan; pencetakan menunggu listrik PLN.` } });
      else hints.push({ level: 'warn', text: { en: 'Mains is on but the UPS battery is low (recharging): printing waits until it has charged.', id: 'Listrik PLN menyala tetapi baterai UPS lemah (sedang diisi): pencetakan menunggu sampai terisi.' } });
      break;
    case 'on_battery':
      hints.push({ level: 'warn', text: { en: 'Running on battery: mains power is off (a generator?).', id: 'Berjalan dengan baterai: listrik PLN padam (nyalakan genset?).' } });
      break;
    case 'unknown':
      hints.push({ level: 'warn', text: { en: `The UPS answers but says neither on mains nor on battery (${view.why}): check that it is plugged into the mains and its output is on.`, id: `UPS menjawab tetapi tidak menyebut listrik PLN atau baterai (${view.why}): periksa colokan ke listrik PLN dan pastikan keluarannya menyala.` } });
      break;
    case 'online':
    case 'none':
    case 'comm_lost':
    case 'comm_lost_on_battery':
      // A reading was taken: the UPS answered, so it is neither lost nor absent here.
      break;
    default:
      return unreachable(view.state);
  }
  const alarms = new Set(body.alarms ?? []);
  if (alarms.has('ups.output_off')) hints.push({ level: 'fail', text: { en: 'The UPS output is off: the station runs without battery protection. Switch the UPS output on and check how the station is plugged in.', id: 'Keluaran UPS mati: stasiun berjalan tanpa perlindungan baterai. Nyalakan keluaran UPS dan periksa colokan stasiun.' } });
  if (alarms.has('ups.replace_battery')) hints.push({ level: 'warn', text: { en: 'The UPS says its battery needs replacing: in a power cut it may last seconds, not minutes. Replace the battery (see the technician guide).', id: 'UPS meminta baterainya diganti: saat listrik padam baterai mungkin hanya bertahan beberapa detik. Ganti baterai (lihat panduan teknisi).' } });
  if (alarms.has('ups.overload')) hints.push({ level: 'warn', text: { en: `The UPS is overloaded${body.loadPercent === null ? '' : ` (load ${body.loadPercent} %)`}: unplug what is not the station (a heater, a second printer).`, id: `UPS kelebihan beban${body.loadPercent === null ? '' : ` (beban ${body.loadPercent} %)`}: cabut yang bukan perangkat stasiun (pemanas, printer kedua).` } });
  if (alarms.has('ups.bypass')) hints.push({ level: 'warn', text: { en: 'The UPS passes mains straight through (bypass): no battery protection now. Check the UPS display or its manual.', id: 'UPS meneruskan listrik PLN langsung (bypass): tidak ada perlindungan baterai. Periksa layar UPS atau petunjuknya.' } });
  const year = batteryYear(body.battery?.date ?? null);
  if (year !== null && now.getUTCFullYear() - year >= OLD_BATTERY_YEARS && !alarms.has('ups.replace_battery')) {
    hints.push({ level: 'warn', text: { en: `The UPS battery is from ${year}: plan a replacement (batteries last 3 to 5 years).`, id: `Baterai UPS buatan ${year}: rencanakan penggantian (baterai bertahan 3 sampai 5 tahun).` } });
  }
  const testFailed = body.battery?.testResult && /fail|bad|replace/i.test(body.battery.testResult);
  if (testFailed) hints.push({ level: 'warn', text: { en: `The UPS's last self-test: "${body.battery?.testResult}". Replace the battery.`, id: `Uji mandiri UPS terakhir: "${body.battery?.testResult}". Ganti baterai.` } });
  if (hints.length === 0) return pass(facts);
  const text = { en: hints.map((h) => h.text.en).join(' '), id: hints.map((h) => h.text.id).join(' ') };
  return hints.some((h) => h.level === 'fail') ? fail(facts, text) : warn(facts, text);
}
