import { withTimeout } from '../../hal/errors.js';
import { pino } from 'pino';
import type { DiagnosticsPayload } from '../../telemetry/payloads.js';
import { stationTopics } from '../../telemetry/topics.js';
import { brokerUrl, connectMqtt, whenConnected } from '../../telemetry/mqtt-client.js';
import { loadPartly, type LoadedConfig } from '../config/partial.js';
import type { Config } from '../config/schema.js';
import { readMqttSecrets } from '../../platform/mqtt-secrets.js';
import { ConfigError, errorWords } from '../../core/errors.js';
import { localChecks } from './checks-local.js';
import { peerChecks, RECORDS_TITLE } from './checks-peers.js';
import { agentSeen, type AgentSeen } from './from-agent.js';
import type { Check, CheckResult, CheckStatus, Lang, Text } from './types.js';
import { systemClock } from '../../core/clock.js';

const WORD: Record<Lang, Record<CheckStatus, string>> = {
  en: { pass: 'PASS', warn: 'WARN', fail: 'FAIL' },
  id: { pass: 'OK', warn: 'PERINGATAN', fail: 'GAGAL' },
};

/** A check left out because the configuration keys it needs are wrong. */
const NOT_RUN: Record<Lang, string> = { en: 'NOT RUN', id: 'DILEWATI' };

/** Each check in parallel, each with its own time limit: the run ends in seconds even when every peer is down. */
async function runChecks(checks: Check[], onDone: (r: CheckResult) => void): Promise<CheckResult[]> {
  return Promise.all(
    checks.map(async (c): Promise<CheckResult> => {
      const t0 = systemClock.monotonic();
      let cancel: (() => void) | undefined;
      const timeout = new Promise<CheckResult>((resolve) => {
        cancel = systemClock.setTimer(
          () =>
            resolve({
              id: c.id,
              title: c.title,
              status: 'fail',
              facts: { timeoutSeconds: c.timeoutMs / 1000 },
              hint: { en: `No answer within ${c.timeoutMs / 1000} s: the part is hung or unreachable.`, id: `Tidak ada jawaban dalam ${c.timeoutMs / 1000} detik: bagian ini macet atau tak terjangkau.` },
              ms: c.timeoutMs,
            }),
          c.timeoutMs,
        );
      });
      const done = c.run().then(
        (v) => ({ ...v, id: c.id, title: c.title, ms: Math.round(systemClock.monotonic() - t0) }),
        (err: Error) => ({ id: c.id, title: c.title, status: 'fail' as const, facts: { error: err.message }, hint: { en: `Error: ${err.message}`, id: `Galat: ${err.message}` }, ms: Math.round(systemClock.monotonic() - t0) }),
      );
      const r = await Promise.race([done, timeout]);
      cancel?.();
      onDone(r);
      return r;
    }),
  );
}

export function overall(results: CheckResult[]): CheckStatus {
  return results.some((r) => r.status === 'fail') ? 'fail' : results.some((r) => r.status === 'warn') ? 'warn' : 'pass';
}

export async function diagnose(
  configFile: string | undefined,
  /** The report's language, or how to know it once the configuration is read (its `language` may decide). */
  language: Lang | (() => Lang),
  load: (file?: string) => LoadedConfig = (file) => loadPartly(file),
  onDone: (r: CheckResult) => void = () => undefined,
): Promise<{ report: DiagnosticsPayload; config?: Config }> {
  const log = pino({ level: 'silent' });
  const ts = new Date(systemClock.now()).toISOString();
  const langNow = () => (typeof language === 'function' ? language() : language);
  let loaded: LoadedConfig;
  try {
    loaded = load(configFile);
  } catch (err) {
    const result = configFailure(configFile, err, false);
    onDone(result);
    return { report: toReport('unknown', ts, langNow(), [result]) };
  }
  const { config, broken } = loaded;
  const configCheck: CheckResult = loaded.error
    ? configFailure(configFile, loaded.error, true)
    : { id: 'config', title: CONFIG_TITLE, status: 'pass', facts: { file: configFile ?? '(demo defaults)', station: config.station.id }, hint: null, ms: 0 };
  onDone(configCheck);
  // Whether the agent runs, and its last reading: read once, by whichever check asks first.
  let seen: Promise<AgentSeen> | undefined;
  const agent = () => (seen ??= agentSeen(config));
  const checks = [...localChecks(config, log, broken), ...peerChecks(config, configFile ?? '(demo defaults)', log, agent)];
  // A check that needs a wrong section is not run on its stand-in: it says so instead.
  const blockedBy = (c: Check) => c.needs.filter((k) => broken.has(k));
  const notRun = checks.filter((c) => blockedBy(c).length > 0).map((c) => notRunResult(c.id, c.title, blockedBy(c)));
  if (broken.has('records') && !checks.some((c) => c.id === 'records')) notRun.push(notRunResult('records', RECORDS_TITLE, ['records']));
  notRun.forEach(onDone);
  const ran = await runChecks(checks.filter((c) => blockedBy(c).length === 0), onDone);
  const byId = new Map([...ran, ...notRun].map((r) => [r.id, r]));
  const results = [...new Set([...checks.map((c) => c.id), ...notRun.map((r) => r.id)])].flatMap((id) => byId.get(id) ?? []);
  const station = broken.has('station') ? 'unknown' : config.station.id;
  // A configuration with wrong sections is never acted on (published with stand-ins): no config returned.
  return { report: toReport(station, ts, langNow(), [configCheck, ...results]), config: loaded.error ? undefined : config };
}

const CONFIG_TITLE: Text = { en: 'Configuration valid', id: 'Konfigurasi benar' };

/** The configuration check failed: each wrong key, what is wrong and what to write, in the reader's words. */
function configFailure(file: string | undefined, err: unknown, othersRan: boolean): CheckResult {
  const after: Text = othersRan
    ? { en: 'Fix these keys (docs/configuration.md), then run diagnose again: the checks that need them did not run.', id: 'Perbaiki kunci ini (docs/configuration.md), lalu jalankan diagnose lagi: pemeriksaan yang membutuhkannya tidak dijalankan.' }
    : { en: 'Fix these keys (docs/configuration.md), then run diagnose again.', id: 'Perbaiki kunci ini (docs/configuration.md), lalu jalankan diagnose lagi.' };
  const said = (lang: Lang) => {
    if (!(err instanceof ConfigError)) return `${errorWords(err, lang).message} ${after[lang]}`;
    const top: Text = { en: '(the file)', id: '(berkasnya)' };
    const lines = err.problems.map((p) => `${p.path || top[lang]}: ${p.text?.[lang] ?? p.message}.${p.write ? ` ${p.write[lang]}` : ''}`);
    return `${lines.join(' ')} ${after[lang]}`;
  };
  const problems = err instanceof ConfigError ? err.problems.map((p) => p.path || '(file)').join(', ') : (err as Error).message;
  return { id: 'config', title: CONFIG_TITLE, status: 'fail', facts: { file: file ?? null, problems }, hint: { en: said('en'), id: said('id') }, ms: 0 };
}

/** A check left out because the configuration keys it needs are wrong. */
function notRunResult(id: string, title: Text, keys: readonly string[]): CheckResult {
  const list = keys.join(', ');
  return {
    id,
    title,
    status: 'warn',
    facts: { run: false, needs: list },
    hint: {
      en: `Not run: it needs ${list} in the configuration, which is missing or wrong (see "${CONFIG_TITLE.en}" above).`,
      id: `Tidak dijalankan: pemeriksaan ini membutuhkan ${list} di konfigurasi, yang tidak ada atau salah (lihat "${CONFIG_TITLE.id}" di atas).`,
    },
    ms: 0,
  };
}

function toReport(station: string, ts: string, lang: Lang, results: CheckResult[]): DiagnosticsPayload {
  return {
    schema: 'station.diagnostics/1',
    station,
    ts,
    lang,
    status: overall(results),
    checks: results.map((r) => ({ id: r.id, status: r.status, title: r.via ? `${r.title[lang]} — ${r.via[lang]}` : r.title[lang], facts: r.facts, hint: r.hint ? r.hint[lang] : null, ms: r.ms })),
  };
}

/** The report as a person reads it; colour only where the output is a terminal. */
export function formatReport(report: DiagnosticsPayload, colour: boolean): string {
  const lang = report.lang;
  const paint = (s: CheckStatus, text: string) => (colour ? `${{ pass: '\x1b[32m', warn: '\x1b[33m', fail: '\x1b[31m' }[s]}${text}\x1b[0m` : text);
  const head: Text = { en: `Station ${report.station}, ${report.ts}`, id: `Stasiun ${report.station}, ${report.ts}` };
  const lines = [head[lang], ''];
  for (const c of report.checks) {
    const word = c.facts.run === false ? NOT_RUN[lang] : WORD[lang][c.status];
    lines.push(`${paint(c.status, `[${word}]`.padEnd(13))} ${c.title}`);
    const facts = Object.entries(c.facts)
      .filter(([, v]) => v !== null && v !== '')
      .map(([k, v]) => `${k}=${String(v)}`)
      .join('  ');
    if (facts) lines.push(`              ${facts}`);
    if (c.hint) lines.push(`              -> ${c.hint}`);
  }
  const verdict: Text = {
    en: { pass: 'Everything passed.', warn: 'Warnings: see the lines above.', fail: 'Failures: fix the lines marked FAIL first.' }[report.status],
    id: { pass: 'Semua baik.', warn: 'Ada peringatan: lihat baris di atas.', fail: 'Ada kegagalan: perbaiki dulu baris GAGAL.' }[report.status],
  };
  lines.push('', paint(report.status, verdict[lang]));
  return lines.join('\n');
}

/** Publish the report, retained, on the station's diagnostics topic. */
export async function publishReport(config: Config, configSource: string, report: DiagnosticsPayload): Promise<void> {
  const m = config.mqtt;
  const url = m.url === 'embedded' ? brokerUrl(m.embedded.host, m.embedded.port) : m.url;
  // The connection's last error: if it broke under the publish, that says why, not the timeout.
  let broke: Error | undefined;
  const client = connectMqtt(
    url,
    {
      clientId: `${m.clientId ?? `station-${config.station.id}`}-diagnose`,
      username: m.username,
      ...readMqttSecrets(m, configSource),
      protocolVersion: m.url === 'embedded' ? 4 : m.protocolVersion,
      reconnectPeriod: 0,
      connectTimeout: 4000,
    },
    (err) => {
      broke = err;
    },
  );
  try {
    await whenConnected(client);
    // A broker that takes the connection but never acknowledges must not hold the technician.
    await withTimeout(systemClock, client.publishAsync(stationTopics(m.topicPrefix, config.station).diagnostics, JSON.stringify(report), { qos: 1, retain: true }), 5000, 'the broker').catch((err: unknown) => {
      throw broke ?? err;
    });
  } finally {
    client.end(true);
  }
}
