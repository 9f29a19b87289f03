/**
 * A station's days without Intl where it can (its first call costs the station about 8 MB): the
 * zones that never move their clocks and this PC's own zone give the same days and midnights as
 * Intl does, and a zone that moves its clocks is still asked of Intl.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { dayIn, dayStart, localTimeZone, validTimeZone } from '../../agent/office/days.js';
import { tempDir } from '../support/sim.js';

/** The day by Intl, as the code did before. */
const intlDay = (ms: number, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));

describe("a station's days", () => {
  it('agree with Intl in WIB, WITA, WIT, UTC, this PC\'s zone and a zone with summer time, around midnight and across a year', () => {
    const zones = ['Asia/Jakarta', 'Asia/Pontianak', 'Asia/Makassar', 'Asia/Jayapura', 'UTC', localTimeZone(), 'Europe/Berlin', 'America/Sao_Paulo'];
    const start = Date.UTC(2026, 0, 1);
    for (const tz of zones) {
      for (let ms = start; ms < start + 366 * 86_400_000; ms += 86_400_000 / 7 + 1234) expect(dayIn(ms, tz), `${tz} ${new Date(ms).toISOString()}`).toBe(intlDay(ms, tz));
      const day = intlDay(start + 200 * 86_400_000, tz);
      const midnight = dayStart(day, tz);
      expect(intlDay(midnight, tz)).toBe(day);
      expect(intlDay(midnight - 1, tz)).not.toBe(day);
    }
    expect(dayStart('2026-12-07', 'Asia/Makassar')).toBe(Date.UTC(2026, 11, 6, 16));
    expect(validTimeZone('Asia/Makassar')).toBe(true);
    expect(validTimeZone('Asia/Kupang')).toBe(false);
  });

  it('count the days of a WITA station without loading Intl (its data is what the footprint cannot afford)', () => {
    // In a fresh process: Intl's first use loads ICU's data; the days must not.
    // The module alone, compiled as it is (it imports nothing of ours), run in a fresh Node.
    const dir = tempDir('office-days-');
    const js = ts.transpileModule(readFileSync(new URL('../../agent/office/days.ts', import.meta.url), 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(dir, 'days.mjs'), js);
    const rss = (thenIntl: boolean) => {
      const script = `
        const { dayIn, dayStart, zoneOf } = await import(${JSON.stringify(pathToFileURL(join(dir, 'days.mjs')).href)});
        for (let i = 0; i < 1000; i++) { dayIn(Date.now() + i * 3600e3, 'Asia/Makassar'); dayStart('2026-12-07', 'Asia/Makassar'); dayIn(Date.now(), zoneOf({})); }
        if (${thenIntl}) new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Makassar' }).format(new Date());
        globalThis.gc?.();
        console.log(process.memoryUsage().rss / 1e6);`;
      return Number(execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, TZ: 'Asia/Makassar' } }));
    };
    // Had the days loaded ICU's data, Intl after them would cost nothing more.
    const days = rss(false);
    const daysThenIntl = rss(true);
    expect(daysThenIntl - days).toBeGreaterThan(4);
  });
});
