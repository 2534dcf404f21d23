// The Activation atlas page: the chosen function and its derivative drawn large (kinks with
// PyTorch's derivative there, vanishing-gradient regions, turning points), its parameter as a
// slider, its measured properties and note; every function as a small chart; the whole atlas
// as a table. The numbers are window.nabla's: activation() for values, atlas() for properties.
import { h, debounce } from './site.js';
import { context, scale, axes, label } from './plot.js';

/** The functions that take a parameter: its key and its slider. */
const PARAMS = {
  leaky_relu: { key: 'alpha', text: 'α, the slope for x ≤ 0', lo: 0, hi: 1, step: 0.01 },
  elu: { key: 'alpha', text: 'α (f saturates at −α)', lo: 0, hi: 3, step: 0.05 },
  swish: { key: 'beta', text: 'Swish β (0: x/2; large: ReLU)', lo: 0, hi: 10, step: 0.05 },
  softplus: { key: 'beta', text: 'β, the sharpness', lo: 0.1, hi: 10, step: 0.05 },
};
/** Points per drawn curve. */
const POINTS = 801;
const F = '#1d4ed8';
const DF = '#c2410c';

const $ = (id) => document.getElementById(id);
const state = { order: [], rows: new Map(), params: {}, name: 'swish', range: 6, notes: {}, cards: new Map() };

/** Four significant decimals, as the CLI's atlas table prints them. */
function short(v) {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e6) return v.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
  return v.toExponential(3);
}

/** `swish (beta = 2)`, `relu`: the CLI's title. */
function title(row) {
  const ps = Object.entries(row.params);
  return ps.length ? `${row.name} (${ps.map(([k, v]) => `${k} = ${v}`).join(', ')})` : row.name;
}

/** The atlas list item of `name` with its current parameter: `swish:2`, `relu`. */
function item(name) {
  const p = PARAMS[name];
  return p ? `${name}:${state.params[name]}` : name;
}

/** `{alpha}` or `{beta}` for nabla.activation, or `{}`. */
function paramsOf(name) {
  const p = PARAMS[name];
  return p ? { [p.key]: state.params[name] } : {};
}

function rangeText(r) {
  return `${r.min === null ? '−∞' : short(r.min)} … ${r.max === null ? '∞' : short(r.max)}`;
}

function intervalsText(list) {
  if (list.length === 0) return 'nowhere';
  return list.map(({ from, to }) => {
    if (from === null && to === null) return 'everywhere';
    if (from === null) return `x < ${short(to)}`;
    if (to === null) return `x > ${short(from)}`;
    return `${short(from)} < x < ${short(to)}`;
  }).join(', ');
}

function kinksText(row) {
  if (row.non_differentiable.length === 0) return '—';
  return row.non_differentiable.map((k) => `${short(k.x)}${k.continuous ? '' : ' (jump)'}`).join(', ');
}

function monotonicText(row) {
  if (row.monotonic) return 'yes';
  return `no: ${row.turning_points.map((t) => `${t.kind === 'minimum' ? 'min' : 'max'} ${short(t.value)} at ${short(t.x)}`).join(', ')}`;
}

/** `n` points on [lo, hi] with the kinks added, so that each is drawn where it is. */
function grid(lo, hi, row, n = POINTS) {
  const xs = Array.from({ length: n }, (_, i) => lo + (i * (hi - lo)) / (n - 1));
  for (const k of row.non_differentiable) if (k.x > lo && k.x < hi) xs.push(k.x);
  return [...new Set(xs)].sort((a, b) => a - b);
}

/** Value range of the points' `key`, padded and holding 0. */
function extent(points, key) {
  let lo = Math.min(0, ...points.map((p) => p[key]));
  let hi = Math.max(0, ...points.map((p) => p[key]));
  if (hi - lo < 1e-9) { lo -= 1; hi += 1; }
  const pad = 0.08 * (hi - lo);
  return [lo - pad, hi + pad];
}

/** The path of `key` through `points`, lifting the pen across each x in `breaks`. */
function path(cx, points, key, xs, ys, breaks) {
  cx.beginPath();
  points.forEach((p, i) => {
    const prev = points[i - 1];
    const jump = prev && breaks.some((c) => prev.x <= c && c < p.x);
    if (i === 0 || jump) cx.moveTo(xs.map(p.x), ys.map(p[key]));
    else cx.lineTo(xs.map(p.x), ys.map(p[key]));
  });
  cx.stroke();
}

/** The zero lines of a plot. */
function zeroLines(cx, box, xs, ys) {
  cx.strokeStyle = '#9ca3af';
  cx.lineWidth = 1;
  cx.beginPath();
  cx.moveTo(box.left, ys.map(0)); cx.lineTo(box.right, ys.map(0));
  cx.moveTo(xs.map(0), box.top); cx.lineTo(xs.map(0), box.bottom);
  cx.stroke();
}

/** One large chart: f or f′ of the chosen function, with its marks. */
function chart(canvas, points, row, key, kinkValues) {
  const { cx, width, height } = context(canvas);
  const box = { left: 80, right: width - 16, top: 16, bottom: height - 56 };
  const [lo, hi] = [points[0].x, points[points.length - 1].x];
  const [ylo, yhi] = extent(points, key);
  const xs = { lo, hi, map: scale(lo, hi, box.left, box.right) };
  const ys = { lo: ylo, hi: yhi, map: scale(ylo, yhi, box.bottom, box.top) };
  const derivative = key === 'derivative';
  cx.save();
  cx.beginPath(); cx.rect(box.left, box.top, box.right - box.left, box.bottom - box.top); cx.clip();
  if (derivative) {
    cx.fillStyle = 'rgba(220, 38, 38, 0.13)';
    for (const { from, to } of row.vanishing_gradient) {
      const a = xs.map(Math.max(lo, from ?? lo));
      const b = xs.map(Math.min(hi, to ?? hi));
      if (b > a) cx.fillRect(a, box.top, b - a, box.bottom - box.top);
    }
  }
  zeroLines(cx, box, xs, ys);
  const kinks = row.non_differentiable;
  cx.strokeStyle = derivative ? DF : F;
  cx.lineWidth = 3;
  const breaks = kinks.filter((k) => derivative || !k.continuous).map((k) => k.x);
  path(cx, points, key, xs, ys, breaks);
  cx.font = '15px "DejaVu Sans", sans-serif';
  cx.textBaseline = 'middle';
  kinks.forEach((k, i) => {
    const x = xs.map(k.x);
    cx.strokeStyle = '#6b7280';
    cx.setLineDash([4, 4]);
    cx.lineWidth = 1.2;
    cx.beginPath(); cx.moveTo(x, box.top); cx.lineTo(x, box.bottom); cx.stroke();
    cx.setLineDash([]);
    if (!derivative) return;
    // ○ the one-sided derivatives, ● PyTorch's value at the kink.
    cx.lineWidth = 2.5;
    cx.strokeStyle = DF;
    cx.fillStyle = '#fff';
    for (const v of [k.left_derivative, k.right_derivative]) {
      cx.beginPath(); cx.arc(x, ys.map(v), 7, 0, 2 * Math.PI); cx.fill(); cx.stroke();
    }
    const at = kinkValues[i];
    cx.fillStyle = '#111827';
    cx.beginPath(); cx.arc(x, ys.map(at), 5.5, 0, 2 * Math.PI); cx.fill();
    cx.textAlign = x > (box.left + box.right) / 2 ? 'right' : 'left';
    const off = cx.textAlign === 'left' ? 12 : -12;
    const ly = Math.min(box.bottom - 12, Math.max(box.top + 12, ys.map(at) - 16));
    cx.lineWidth = 4; cx.strokeStyle = '#fff';
    const text = `f′(${label(k.x)}) = ${label(at)}`;
    cx.strokeText(text, x + off, ly);
    cx.fillText(text, x + off, ly);
  });
  if (!derivative) {
    for (const t of row.turning_points) {
      if (t.x < lo || t.x > hi) continue;
      const [x, y] = [xs.map(t.x), ys.map(t.value)];
      cx.fillStyle = '#111827';
      cx.textAlign = 'center';
      cx.font = '18px "DejaVu Sans", sans-serif';
      cx.fillText(t.kind === 'minimum' ? '▲' : '▼', x, y + (t.kind === 'minimum' ? 14 : -14));
      cx.font = '15px "DejaVu Sans", sans-serif';
      const text = `${t.kind === 'minimum' ? 'min' : 'max'} ${short(t.value)} at x = ${short(t.x)}`;
      const ty = y + (t.kind === 'minimum' ? 36 : -36);
      cx.lineWidth = 4; cx.strokeStyle = '#fff';
      cx.strokeText(text, x, ty);
      cx.fillText(text, x, ty);
    }
  }
  cx.restore();
  axes(cx, box, xs, ys, { xTitle: 'x', yTitle: derivative ? 'f′(x)' : 'f(x)' });
}

/** A small chart of f (solid) and f′ (dashed) on [−5, 5]. */
async function mini(canvas, row) {
  const xs = grid(-5, 5, row, 201);
  const { points } = await window.nabla.activation(row.name, xs, paramsOf(row.name));
  const { cx, width, height } = context(canvas);
  const box = { left: 6, right: width - 6, top: 6, bottom: height - 6 };
  const lo = Math.min(extent(points, 'value')[0], extent(points, 'derivative')[0]);
  const hi = Math.max(extent(points, 'value')[1], extent(points, 'derivative')[1]);
  const sx = { map: scale(-5, 5, box.left, box.right) };
  const sy = { map: scale(lo, hi, box.bottom, box.top) };
  zeroLines(cx, box, sx, sy);
  const kinks = row.non_differentiable;
  cx.lineWidth = 2.5;
  cx.strokeStyle = F;
  path(cx, points, 'value', sx, sy, kinks.filter((k) => !k.continuous).map((k) => k.x));
  cx.strokeStyle = DF;
  cx.setLineDash([6, 4]);
  path(cx, points, 'derivative', sx, sy, kinks.map((k) => k.x));
  cx.setLineDash([]);
}

/** The properties list, the note and the kinks with PyTorch's derivative there. */
function properties(row, kinkValues) {
  const dd = (term, ...desc) => [h('dt', {}, term), h('dd', {}, ...desc)];
  const kinks = row.non_differentiable.length === 0 ? ['nowhere: differentiable everywhere'] : row.non_differentiable.map((k, i) =>
    h('div', {}, `x = ${short(k.x)}${k.continuous ? '' : ' (f jumps)'}: left ${short(k.left_derivative)}, right ${short(k.right_derivative)}; PyTorch uses `,
      h('strong', {}, `f′(${short(k.x)}) = ${kinkValues[i]}`)));
  $('title').textContent = title(row);
  $('props').replaceChildren(
    ...dd('Range', rangeText(row.range)),
    ...dd('Zero-centred', `${row.zero_centred ? 'yes' : 'no'}: E f(Z) = ${short(row.mean_normal)}, sd f(Z) = ${short(row.sd_normal)} for Z ~ N(0, 1)`),
    ...dd('|f′(x)| < 10⁻³ for', intervalsText(row.vanishing_gradient)),
    ...dd('Not differentiable at', ...kinks),
    ...dd('Monotonic', monotonicText(row)),
  );
  $('note').textContent = state.notes[row.name] ?? '';
}

/** The atlas table: one row per function, the CLI's columns but its timings. */
function table() {
  const head = ['activation', 'range', 'zero-centred', "|f′| < 1e-3 for", 'not differentiable at', 'monotonic'];
  const rows = state.order.map((name) => {
    const row = state.rows.get(name);
    const tr = h('tr', { 'data-name': name, class: name === state.name ? 'chosen' : '' },
      h('td', {}, h('code', {}, title(row))), h('td', {}, rangeText(row.range)),
      h('td', {}, `${row.zero_centred ? 'yes' : 'no'} (mean ${short(row.mean_normal)})`),
      h('td', {}, intervalsText(row.vanishing_gradient)), h('td', {}, kinksText(row)), h('td', {}, monotonicText(row)));
    tr.addEventListener('click', () => choose(name));
    return tr;
  });
  $('atlas-table').replaceChildren(h('thead', {}, h('tr', {}, ...head.map((c) => h('th', {}, c)))), h('tbody', {}, ...rows));
}

/** The values table for the typed points. */
async function values() {
  const name = state.name;
  try {
    const doc = await window.nabla.activation(name, $('at').value, paramsOf(name));
    $('values').replaceChildren(h('table', { id: 'values-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'x'), h('th', {}, 'f(x)'), h('th', {}, 'f′(x)'))),
      h('tbody', {}, ...doc.points.map((p) => h('tr', {}, ...[p.x, p.value, p.derivative].map((v) => h('td', { class: 'num' }, String(v))))))));
    $('error').textContent = '';
  } catch (e) {
    $('values').replaceChildren();
    $('error').textContent = e.message;
  }
}

/** The parameter slider of the chosen function, if it has one. */
function paramSlider() {
  const name = state.name;
  const p = PARAMS[name];
  if (!p) { $('params').replaceChildren(); return; }
  const input = h('input', { type: 'range', id: p.key, min: p.lo, max: p.hi, step: p.step, value: state.params[name] });
  const out = h('output', { for: p.key }, String(state.params[name]));
  input.addEventListener('input', () => {
    state.params[name] = Number(input.value);
    out.textContent = input.value;
    rerun();
  });
  $('params').replaceChildren(h('tr', {}, h('td', {}, h('label', { for: p.key }, p.text)), h('td', { style: 'width: 55%' }, input), h('td', {}, out)));
}

/** Redraws everything for the chosen function and its parameter. */
async function render() {
  const name = state.name;
  const [row] = (await window.nabla.atlas({ name: item(name) })).activations;
  state.rows.set(name, row);
  const R = state.range;
  const { points } = await window.nabla.activation(name, grid(-R, R, row), paramsOf(name));
  const kinkValues = row.non_differentiable.length
    ? (await window.nabla.activation(name, row.non_differentiable.map((k) => k.x), paramsOf(name))).points.map((p) => p.derivative)
    : [];
  chart($('f'), points, row, 'value', kinkValues);
  chart($('df'), points, row, 'derivative', kinkValues);
  properties(row, kinkValues);
  table();
  await mini(state.cards.get(name).querySelector('canvas'), row);
  for (const [n, card] of state.cards) card.classList.toggle('chosen', n === name);
  await values();
  const hash = new URLSearchParams({ fn: name, range: String(R) });
  if (PARAMS[name]) hash.set(PARAMS[name].key, String(state.params[name]));
  history.replaceState(null, '', `#${hash}`);
  document.body.dataset.renders = String(Number(document.body.dataset.renders ?? 0) + 1);
}

/** Runs render, one at a time; input that arrives meanwhile runs it once more. */
let running = null;
let again = false;
function rerun() {
  if (running) { again = true; return running; }
  running = render().catch((e) => { $('error').textContent = e.message; }).finally(() => {
    running = null;
    if (again) { again = false; rerun(); }
  });
  return running;
}

/** Makes `name` the chosen function. */
function choose(name) {
  state.name = name;
  $('fn').value = name;
  paramSlider();
  rerun();
}

/** The cards of the grid, one per function. */
function cards() {
  $('grid').replaceChildren(...state.order.map((name) => {
    const card = h('button', { type: 'button', class: 'atlas-card', 'data-name': name }, h('canvas', {}), h('span', {}, name));
    card.addEventListener('click', () => { choose(name); window.scrollTo({ top: 0, behavior: 'smooth' }); });
    state.cards.set(name, card);
    return card;
  }));
}

/** The setup in the address bar: `#fn=swish&beta=2&range=6`. */
function fromHash() {
  const q = new URLSearchParams(location.hash.slice(1));
  if (state.rows.has(q.get('fn'))) state.name = q.get('fn');
  const p = PARAMS[state.name];
  if (p && q.has(p.key) && Number.isFinite(Number(q.get(p.key)))) state.params[state.name] = Number(q.get(p.key));
  const R = Number(q.get('range'));
  if (R >= 1 && R <= 20) state.range = R;
}

const nabla = await window.nablaReady;
const [atlas, notes] = await Promise.all([nabla.atlas(), nabla.activationNotes()]);
state.notes = notes;
for (const row of atlas.activations) {
  state.order.push(row.name);
  state.rows.set(row.name, row);
  if (PARAMS[row.name]) state.params[row.name] = row.params[PARAMS[row.name].key];
}
fromHash();
$('fn').replaceChildren(...state.order.map((n) => h('option', { value: n }, n)));
$('fn').value = state.name;
$('fn').addEventListener('change', () => choose($('fn').value));
$('range').value = state.range;
$('range-out').textContent = String(state.range);
$('range').addEventListener('input', () => { state.range = Number($('range').value); $('range-out').textContent = $('range').value; rerun(); });
$('at').addEventListener('input', debounce(values, 250));
$('atlas-note').textContent = `Range: sampled on [−50, 50] and at ±1e4 (∞ where f keeps growing). Zero-centred: |E f(Z)| ≤ 0.1·sd f(Z) for Z ~ N(0, 1). `
  + `|f′| < ${atlas.vanishing_threshold}: the gradient vanishes there. Not differentiable: where the one-sided difference quotients differ. `
  + 'The CLI (nabla activation --table) adds each kernel\'s measured cost.';
cards();
paramSlider();
await Promise.all(state.order.filter((n) => n !== state.name).map((n) => mini(state.cards.get(n).querySelector('canvas'), state.rows.get(n))));
await rerun();
window.addEventListener('resize', debounce(() => {
  for (const n of state.order) mini(state.cards.get(n).querySelector('canvas'), state.rows.get(n));
  rerun();
}, 200));
document.body.dataset.ready = 'true';
