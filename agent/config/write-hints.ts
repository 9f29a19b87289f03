/**
 * What to write when a whole section of the configuration is missing or names no driver of its
 * family: the section to copy, for the station it suits. The drivers' own table lines give their
 * examples (a new driver brings its own); the station and the broker are the agent's.
 */
import type { ConfigProblem } from '../../core/errors.js';
import type { Text } from '../../core/i18n.js';
import type { DriverExample } from '../../hal/driver.js';
import { PRINTER_DRIVERS } from '../../hal/printer/index.js';
import { RECORD_DRIVERS } from '../../hal/records/index.js';
import { UPS_DRIVERS } from '../../hal/ups/index.js';

const examples = (table: readonly { example: DriverExample }[]) => table.map((line) => line.example);

/** The sections a driver family fills, with each driver's example, in its table's order. */
const FAMILIES: Record<string, () => DriverExample[]> = {
  printer: () => examples(PRINTER_DRIVERS),
  ups: () => examples(UPS_DRIVERS),
  records: () => examples(RECORD_DRIVERS),
};

/** The agent's own required sections. */
const OWN: Record<string, DriverExample[]> = {
  station: [
    {
      section: '{id: "5371-01", province: "53", regency: "5371", name: "Dukcapil Kota Kupang"}',
      for: { id: 'dengan id stasiun ini serta kode provinsi dan kabupaten/kotanya (Kemendagri)', en: "with this station's id and its province and regency codes (Kemendagri)" },
    },
  ],
  mqtt: [
    {
      section: '{url: mqtts://BROKER:8883, username: station-5371-01, passwordFile: /etc/station-agent/mqtt.pass, ca: /etc/station-agent/ca.crt}',
      for: { id: 'broker provinsi (alamat, user, dan berkasnya dari TI provinsi)', en: 'the provincial broker (its address, user and files from provincial IT)' },
    },
    { section: '{url: embedded}', for: { id: 'broker di dalam agen (demo, satu PC saja)', en: 'a broker inside the agent (the demo, one PC alone)' } },
  ],
};

/** The choices for `key`, said in both languages; undefined for a key without examples. */
export function sectionChoices(key: string): Text | undefined {
  const choices = FAMILIES[key]?.() ?? OWN[key];
  if (!choices) return undefined;
  const line = (e: DriverExample, lang: 'id' | 'en') => `${key}: ${e.section} ${lang === 'id' ? 'untuk' : 'for'} ${e.for[lang]}`;
  if (choices.length === 1 && choices[0]) {
    const only = choices[0];
    return { id: `Tulis: ${key}: ${only.section}, ${only.for.id}.`, en: `Write: ${key}: ${only.section}, ${only.for.en}.` };
  }
  return { id: `Tulis salah satu: ${choices.map((e) => line(e, 'id')).join('; ')}.`, en: `Write one of: ${choices.map((e) => line(e, 'en')).join('; ')}.` };
}

/**
 * What to write for one problem: the section's choices when the section itself is missing or
 * wrong, or its `driver` names none of its family; nothing for a key inside a good section.
 */
export function whatToWrite(p: ConfigProblem): Text | undefined {
  const [section, key, ...rest] = p.path.split('.');
  if (!section || rest.length > 0) return undefined;
  if (key === undefined || (key === 'driver' && FAMILIES[section])) return sectionChoices(section);
  return undefined;
}
