// The province's questions on the page: who prints far below demand (/api/ranking) and who could
// lend to a station about to run out (/api/lending). `c`: the page's words and what it knows of the
// stations ({t, esc, daysText, kinds, lang, regencyOf, rows}).
import { leftOutNote } from '/checks.js';

/** The ranking's table, most cards over the week first, with its flags. */
export function rankingInto(table, rows, c) {
  const { t, esc } = c;
  const num = (v, d = 0) => (v === null || v === undefined ? '?' : Number(v).toFixed(d));
  table.tHead.innerHTML = `<tr>${['station', 'regency', 'today', 'week', 'perDay', 'queue', 'backlog', 'flags'].map((k) => `<th>${t(k)}</th>`).join('')}</tr>`;
  table.tBodies[0].innerHTML = rows.map((r) => `<tr data-station="${esc(r.station)}" class="${r.flags.length ? 'sev-2' : 'sev-0'}">
    <td><a href="#/station/${encodeURIComponent(r.station)}">${esc(r.station)}</a></td><td>${esc(c.regencyOf(r.station, r.regency))}</td>
    <td class="num">${num(r.today)}</td><td class="num">${num(r.week)}</td><td class="num">${num(r.perDay, 1)}</td><td class="num">${num(r.queued)}</td><td class="num">${num(r.backlogDays, 1)}</td>
    <td>${r.flags.map((f) => `<span class="badge warn" data-flag="${f}">${t(f === 'backlog' ? 'backlog_flag' : f)}</span>`).join(' ')}</td></tr>`).join('');
}

/** Grouped by supply, one line per station in need: what it needs, and who gives how much. */
export function lendingHtml(list, c) {
  const { t, esc } = c;
  /** A quantity in its unit, singular right: "1 roll", "320 cards". */
  const qty = (n, unit) => t(`${unit}${n === 1 ? '1' : ''}`, { n });
  // Stations whose figures cannot be are left out (the API does too): said above the list.
  const note = leftOutNote(c.lang, c.rows);
  if (list.length === 0) return `${note}<p class="muted">${t('lendNone')}</p>`;
  const groups = c.kinds.map((kind) => [kind, list.filter((s) => s.kind === kind)]).filter(([, l]) => l.length > 0);
  return note + groups.map(([kind, items]) => `<div class="card"><h3>${esc(t(kind))} (${items.length})</h3><table class="grid lend-table"><tbody>${items.map((s) => {
    const stateText = s.status === 'empty' ? t('isEmpty') : t('runsOutIn', { d: c.daysText(s.daysLeft) });
    const need = s.need === null ? t('needUnknown') : t('needsQty', { q: qty(s.need, s.unit) });
    const lenders = s.lenders.length === 0 ? `<span class="muted">${t('noLender')}</span>` : s.lenders.map((l) => {
      const dist = l.distanceKm === null ? t('distUnknown') : t('km', { n: l.distanceKm });
      return `<span class="lender" data-lender="${esc(l.station)}" data-give="${l.give}">${esc(t('lenderLine', { q: qty(l.give, s.unit), station: l.station, regency: l.regencyName ?? l.regency, dist }))}</span>`;
    }).join('; ');
    const short = s.short ? ` <span class="badge warn">${esc(t('shortBy', { q: qty(s.short, s.unit) }))}</span>` : '';
    return `<tr class="lend" data-needs="${esc(s.station)}" data-kind="${s.kind}"><td><strong>${esc(s.station)}</strong><br><span class="muted">${esc(s.regencyName ?? s.regency)}</span></td><td>${esc(stateText)}<br><span class="muted">${esc(need)}</span></td><td class="wrap">${lenders}${short}</td></tr>`;
  }).join('')}</tbody></table></div>`).join('');
}
