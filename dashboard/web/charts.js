// Small SVG charts: lines over time and bars per day. No library: a few dozen points each.
const NS = 'http://www.w3.org/2000/svg';
const W = 600, H = 180, L = 34, R = 8, T = 8, B = 22;

function el(name, attrs, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function frame(yMax, labels) {
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', preserveAspectRatio: 'none' });
  for (const f of [0, 0.5, 1]) {
    const y = T + (H - T - B) * (1 - f);
    svg.append(el('line', { x1: L, x2: W - R, y1: y, y2: y, stroke: '#e0e0e0' }), el('text', { x: 2, y: y + 3 }, String(Math.round(yMax * f))));
  }
  labels.forEach(([x, text]) => svg.append(el('text', { x, y: H - 6 }, text)));
  return svg;
}

/** series: [{name, color, points: [[ms, value|null]]}]; a null breaks the line (unknown is not zero). */
export function lineChart(series, yMax = 100) {
  const all = series.flatMap((s) => s.points.map((p) => p[0]));
  if (all.length === 0) return el('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart' });
  const t0 = Math.min(...all), t1 = Math.max(...all, t0 + 1);
  const x = (t) => L + ((t - t0) / (t1 - t0)) * (W - L - R);
  const y = (v) => T + (H - T - B) * (1 - Math.min(v, yMax) / yMax);
  const fmt = (t) => new Date(t).toISOString().slice(5, 16).replace('T', ' ');
  const svg = frame(yMax, [[L, fmt(t0)], [W - R - 70, fmt(t1)]]);
  for (const s of series) {
    let d = '';
    let pen = false;
    for (const [t, v] of s.points) {
      if (v === null || v === undefined) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    }
    svg.append(el('path', { d, fill: 'none', stroke: s.color, 'stroke-width': 2, 'data-series': s.name }));
    // Dots too: a lone reading between unknowns has no line to be part of.
    for (const [t, v] of s.points) if (v !== null && v !== undefined) svg.append(el('circle', { cx: x(t).toFixed(1), cy: y(v).toFixed(1), r: 2.5, fill: s.color }));
  }
  return svg;
}

/** bars: [[label, value]] */
export function barChart(bars, color = '#12355b') {
  const max = Math.max(10, ...bars.map((b) => b[1]));
  const n = Math.max(bars.length, 1);
  const bw = (W - L - R) / n;
  const svg = frame(max, bars.length ? [[L, bars[0][0]], [W - R - 60, bars[bars.length - 1][0]]] : []);
  bars.forEach(([label, v], i) => {
    const h = ((H - T - B) * v) / max;
    svg.append(el('rect', { x: L + i * bw + 2, y: H - B - h, width: Math.max(bw - 4, 1), height: h, fill: color }, undefined));
    svg.lastChild.append(el('title', {}, `${label}: ${v}`));
  });
  return svg;
}
