import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { systemClock } from '../../core/clock.js';
import { errorWords, unreachable } from '../../core/errors.js';
import type { Lang } from '../../core/i18n.js';
import { codeOf } from '../../hal/errors.js';
import { SupplyLedger, type RollKind, type SupplyCount } from '../ledger/supplies.js';
import { withCounted } from '../station/snapshot.js';
import { Store } from '../store/store.js';
import { RECORD_ERRORS } from '../../hal/records/types.js';
import { HID_ERRORS } from '../../hal/ups/hid/error.js';
import { UPS_ERRORS } from '../../hal/ups/types.js';
import { createPrinter, printerFacts } from '../../hal/printer/index.js';
import { createRecordSource } from '../../hal/records/index.js';
import { createUps } from '../../hal/ups/index.js';
import { stationTopics } from '../../telemetry/topics.js';
import { brokerUrl, connectMqtt, explainMqttError, whenConnected } from '../../telemetry/mqtt-client.js';
import type { Config } from '../config/schema.js';
import { readMqttSecrets } from '../../platform/mqtt-secrets.js';
import { claimsWords } from '../jobs/claims.js';
import type { DriverContext } from '../../hal/driver.js';
import { printerFromAgent, READ_ITSELF, upsFromAgent, type AgentSeen } from './from-agent.js';
import { printerVerdict } from './printer-verdict.js';
import { fail, pass, warn, type Check, type Facts, type Text, type Verdict } from './types.js';
import { upsVerdict } from './ups-verdict.js';

/** The driver's own hint in the reader's language, after a space; '' when it gives none. */
const hintIn = (err: unknown, lang: Lang) => {
  const { hint } = errorWords(err, lang);
  return hint ? ` ${hint}` : '';
};

/** The supply ledger's counts, read without changing the database; null without one (a fresh station). */
async function countedSupplies(config: Config): Promise<Record<RollKind, SupplyCount> | null> {
  const store = await Store.openReadOnly(config.dataDir).catch(() => undefined);
  if (!store) return null;
  try {
    return await SupplyLedger.countsIn(store.db, config.forecast.cardsPerSupply).catch(() => null);
  } finally {
    await store.close();
  }
}

export const RECORDS_TITLE: Text = { en: 'Central record server', id: 'Server data pusat' };

/** The UPS read by diagnose itself, where no agent runs. */
async function upsOpened(config: Config, ctx: DriverContext): Promise<Verdict> {
  const ups = await createUps(config.ups, ctx);
  try {
    await ups.start();
    return upsVerdict(ups.driver, await ups.read(), config, new Date(systemClock.now()));
  } catch (err) {
    const code = codeOf(err, [...UPS_ERRORS, ...HID_ERRORS], 'comm-lost');
    switch (code) {
      case 'not-configured':
        return warn({ driver: ups.driver }, { en: 'No UPS configured: a power cut spoils the card printing.', id: 'Tidak ada UPS: listrik padam merusak kartu yang sedang dicetak.' });
      case 'protocol':
        return fail({ driver: ups.driver, error: (err as Error).message }, { en: `Something answers at the UPS address, but not as the UPS service does.${hintIn(err, 'en')}`, id: `Ada yang menjawab di alamat UPS, tetapi bukan layanan UPS.${hintIn(err, 'id')}` });
      case 'comm-lost':
      case 'timeout':
      case 'hid-unavailable':
      case 'hid-unsupported':
      case 'hid-not-found':
      case 'hid-ambiguous':
      case 'hid-permission':
      case 'hid-descriptor-invalid':
      case 'hid-report-invalid':
      case 'hid-report-unknown':
      case 'hid-report-length':
      case 'hid-hex-invalid':
      case 'hid-reports-empty':
        return fail({ driver: ups.driver, error: (err as Error).message }, { en: `The UPS cannot be read.${hintIn(err, 'en')} Check the UPS data cable and the UPS service.`, id: `UPS tidak bisa dibaca.${hintIn(err, 'id')} Periksa kabel data UPS dan layanan UPS.` });
      default:
        return unreachable(code);
    }
  } finally {
    await ups.stop();
  }
}

/** `agent`: whether the agent runs and its last reading, read once for the printer and UPS checks. */
export function peerChecks(config: Config, configSource: string, log: Logger, agent: () => Promise<AgentSeen>): Check[] {
  const ctx = { clock: systemClock, log };
  const checks: Check[] = [
    {
      id: 'printer',
      title: { en: 'Card printer: state and supplies', id: 'Printer kartu: keadaan dan persediaan' },
      // As long as the driver's table line says its first reading may take (Windows: PowerShell starting).
      timeoutMs: printerFacts(config.printer).firstReadingMs,
      needs: ['printer', 'dataDir', 'intervals', 'forecast', 'alerts'],
      async run() {
        if (!printerFacts(config.printer).can.hasQueue) {
          // The office's store PC: nothing to read, and nothing missing.
          return pass({ driver: config.printer.driver, printer: printerFacts(config.printer).label.en });
        }
        // The printer the agent holds is never opened a second time: its last reading says.
        const a = await agent();
        if (a.running) return printerFromAgent(a, config);
        const printer = await createPrinter(config.printer, ctx);
        try {
          await printer.start();
          const r = await printer.read();
          const supplies = withCounted(r.supplies, r.reasons, await countedSupplies(config), config.alerts.supplyLowPercent);
          return { ...printerVerdict({ driver: printer.driver, state: r.state, reasons: r.reasons, supplies, uptimeSeconds: r.uptimeSeconds ?? null }, config), via: READ_ITSELF };
        } catch (err) {
          return {
            ...fail({ driver: printer.driver, error: (err as Error).message }, { en: `The printer cannot be read.${hintIn(err, 'en')} Check its cable and the printer settings.`, id: `Printer tidak bisa dibaca.${hintIn(err, 'id')} Periksa kabel dan pengaturan printer.` }),
            via: READ_ITSELF,
          };
        } finally {
          await printer.stop();
        }
      },
    },
    {
      id: 'ups',
      title: { en: 'UPS and mains power', id: 'UPS dan listrik PLN' },
      timeoutMs: 5000,
      needs: ['ups', 'dataDir', 'intervals', 'alerts'],
      async run() {
        const a = await agent();
        if (a.running) return upsFromAgent(a, config, new Date(systemClock.now()));
        return { ...(await upsOpened(config, ctx)), via: READ_ITSELF };
      },
    },
    {
      id: 'mqtt',
      title: { en: 'Provincial broker: connect, login, publish', id: 'Broker provinsi: sambung, login, kirim' },
      timeoutMs: 6000,
      needs: ['mqtt', 'station'],
      run: () => mqttCheck(config, configSource),
    },
  ];
  if (config.records) {
    const records = config.records;
    checks.push({
      id: 'records',
      title: RECORDS_TITLE,
      timeoutMs: 8000,
      needs: ['records'],
      async run() {
        const source = await createRecordSource(records, ctx);
        const t0 = systemClock.monotonic();
        // Whether a record is printed once across stations, or on this PC only: said even when all else passes.
        const answers = () => {
          const facts = { driver: source.driver, latencyMs: Math.round(systemClock.monotonic() - t0), claims: source.claims };
          return source.claims === 'off' ? warn(facts, claimsWords('off')) : pass(facts);
        };
        try {
          await source.start();
          await source.fetch('DIAGNOSE-PROBE');
          return answers();
        } catch (err) {
          const facts = { driver: source.driver, latencyMs: Math.round(systemClock.monotonic() - t0), claims: source.claims, error: (err as Error).message };
          const code = codeOf(err, RECORD_ERRORS, 'unavailable');
          switch (code) {
            case 'not-found':
              // "No such record" proves the server answers: that is all this check asks.
              return answers();
            case 'refused':
              return fail(facts, { en: `The central server refuses this station.${hintIn(err, 'en')}`, id: `Server pusat menolak stasiun ini.${hintIn(err, 'id')}` });
            case 'invalid':
              return fail(facts, { en: `The central server answers, but not as the record service does.${hintIn(err, 'en')} Check records.http.url.`, id: `Server pusat menjawab, tetapi bukan sebagai layanan data.${hintIn(err, 'id')} Periksa records.http.url.` });
            case 'unavailable':
            case 'timeout':
              return fail(facts, { en: `The central server does not answer.${hintIn(err, 'en')}`, id: `Server pusat tidak menjawab.${hintIn(err, 'id')}` });
            default:
              return unreachable(code);
          }
        } finally {
          await source.stop();
        }
      },
    });
  }
  return checks;
}

async function mqttCheck(config: Config, configSource: string) {
  const m = config.mqtt;
  const url = m.url === 'embedded' ? brokerUrl(m.embedded.host, m.embedded.port) : m.url;
  // A client certificate means TLS under mqtt:// too (telemetry/mqtt-client.ts).
  const facts: Facts = { url, tls: url.startsWith('mqtts:') || (m.cert !== undefined && m.key !== undefined), username: m.username ?? null };
  let secrets;
  try {
    secrets = readMqttSecrets(m, configSource);
  } catch (err) {
    return fail(facts, { en: (err as Error).message, id: `file rahasia MQTT tidak bisa dibaca: ${(err as Error).message}` });
  }
  const topics = stationTopics(m.topicPrefix, config.station);
  let client: MqttClient | undefined;
  // The connection's last error, should it break after the login: the reason the probe failed.
  let broke: Error | undefined;
  try {
    client = connectMqtt(
      url,
      {
        clientId: `${m.clientId ?? `station-${config.station.id}`}-diagnose`,
        username: m.username,
        ...secrets,
        protocolVersion: m.url === 'embedded' ? 4 : m.protocolVersion,
        reconnectPeriod: 0,
        connectTimeout: 4000,
      },
      (err) => {
        broke = err;
      },
    );
    await whenConnected(client);
    const t0 = systemClock.monotonic();
    try {
      await client.publishAsync(`${topics.diagnostics}/probe`, JSON.stringify({ probe: true }), { qos: 1 });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      // No reason code and the connection broke: the network or the broker, explained below.
      if (typeof code !== 'number' && broke) throw broke;
      // Logged in, but the broker refused the message itself (MQTT 5 reason code): the ACL, not the password.
      return fail(
        { ...facts, login: 'accepted', publishReasonCode: typeof code === 'number' ? code : null },
        { en: `The login works but the broker refuses this station's messages (${(err as Error).message}): check the broker's ACL for ${topics.base}/#.`, id: `Login berhasil tetapi broker menolak pesan stasiun ini (${(err as Error).message}): periksa ACL broker untuk ${topics.base}/#.` },
      );
    }
    const verified = m.url === 'embedded' || m.protocolVersion === 5;
    const result = { ...facts, publishAckMs: Math.round(systemClock.monotonic() - t0), aclVerified: verified };
    if (!verified) {
      return warn(result, { en: 'Connected and acknowledged, but MQTT 3.1.1 cannot tell whether the ACL took the message: use mqtt.protocolVersion 5 to check it.', id: 'Tersambung dan diakui, tetapi MQTT 3.1.1 tidak bisa memastikan ACL menerima pesan: gunakan mqtt.protocolVersion 5.' });
    }
    return pass(result);
  } catch (err) {
    const embedded = m.url === 'embedded';
    const why = explainMqttError(err as Error, url);
    return fail(
      { ...facts, error: (err as Error).message },
      {
        en: `${why.en}.${embedded ? ' The embedded broker runs inside the agent: is the agent running?' : ''}`,
        id: `${why.id}.${embedded ? ' Broker bawaan berjalan di dalam agen: apakah agen berjalan?' : ''}`,
      },
    );
  } finally {
    client?.end(true);
  }
}
