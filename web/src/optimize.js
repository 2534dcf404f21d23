// The Optimizer race page: optimizers with their sliders, the race computed by nabla.optimize
// (the same JSON as `nabla optimize`), its paths animated on the contour map of
// nabla.optimizeContours, and the loss of each run against the step.
import { h, debounce } from './site.js';
import { COLOURS, context, scale, axes, lineChart, label } from './plot.js';

const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam', 'adamw', 'adagrad', 'adadelta', 'nadam', 'radam'];
/** The race shown first: learning rates that make Rosenbrock's valley interesting. */
const FIRST = { sgd: 0.001, momentum: 0.001, nesterov: 0.001, rmsprop: 0.01, adam: 0.05 };
/** Shared sliders: [option, hyperparameter key, min, max, which optimizers take it]. */
const SHARED = [
  ['momentum', 'momentum', 0, 0.99, (d) => d.momentum > 0],
  ['beta1', 'beta1', 0, 0.99, (d) => 'beta1' in d],
  ['beta2', 'beta2', 0.9, 0.9999, (d) => 'beta2' in d],
];

const $ = (id) => document.getElementById(id);
const state = { runs: {}, shared: {}, race: null, map: null, frame: 0 };
let defaults = {};

/** A slider row: a label, a range input and its value; `log` sliders move in powers of ten. */
function slider(id, text, value, lo, hi, log, onInput) {
  const toPos = (v) => (log ? Math.log10(v) : v);
  const fromPos = (p) => (log ? 10 ** p : p);
  const input = h('input', { type: 'range', id, min: toPos(lo), max: toPos(hi), step: log ? 0.05 : (hi - lo) / 200, value: toPos(value) });
  const out = h('output', { for: id }, label(value));
  input.addEventListener('input', () => {
    const v = Number(fromPos(Number(input.value)).toPrecision(3));
    out.textContent = label(v);
    onInput(v);
  });
  return h('tr', {}, h('td', { class: 'slider-name' }, text), h('td', { style: 'width: 50%' }, input), h('td', {}, out));
}

/** The optimizer rows and the shared sliders, from each optimizer's defaults. */
function controls() {
  const rows = OPTIMIZERS.map((name, i) => {
    const d = defaults[name];
    state.runs[name] = { on: name in FIRST, lr: FIRST[name] ?? d.lr };
    const box = h('input', { type: 'checkbox', id: `on-${name}` });
    box.checked = state.runs[name].on;
    box.addEventListener('change', () => { state.runs[name].on = box.checked; recompute(); });
    const row = slider(`lr-${name}`, '', state.runs[name].lr, 1e-5, 10, true, (v) => { state.runs[name].lr = v; recompute(); });
    row.firstChild.append(box, ' ', h('span', { class: 'swatch', style: `background: ${COLOURS[i]}` }),
      h('label', { for: `on-${name}`, style: 'display: inline' }, name), h('span', { class: 'muted' }, ' lr'));
    return row;
  });
  $('optimizers').replaceChildren(...rows);
  $('shared').replaceChildren(...SHARED.map(([option, key, lo, hi, takes]) => {
    const users = OPTIMIZERS.filter((n) => takes(defaults[n]));
    const start = defaults[users[0]][key];
    state.shared[option] = start;
    const name = h('span', {}, option, h('br'), h('span', { class: 'muted small' }, users.join(', ')));
    return slider(`shared-${option}`, name, start, lo, hi, false,
      (v) => { state.shared[option] = v; recompute(); });
  }));
}

/** The options of the race the controls describe. */
function options() {
  const fn = $('function').value;
  const o = fn === 'expr' ? { expr: $('expr').value } : { function: fn };
  o.start = [Number($('x0').value), Number($('y0').value)];
  o.steps = Number($('steps').value);
  o.runs = OPTIMIZERS.filter((n) => state.runs[n].on).map((name) => {
    const run = { optimizer: name, lr: state.runs[name].lr };
    for (const [option, key, , , takes] of SHARED) if (takes(defaults[name])) run[option] = state.shared[option] ?? defaults[name][key];
    return run;
  });
  return o;
}

/** Draws the contour map and the paths up to `frame`. */
function drawMap(frame) {
  const { race, map } = state;
  const { cx, width, height } = context($('map'));
  const box = { left: 64, right: width - 12, top: 12, bottom: height - 52 };
  const xs = { lo: map.view.x[0], hi: map.view.x[1], map: scale(map.view.x[0], map.view.x[1], box.left, box.right) };
  const ys = { lo: map.view.y[0], hi: map.view.y[1], map: scale(map.view.y[0], map.view.y[1], box.bottom, box.top) };
  cx.save();
  cx.beginPath(); cx.rect(box.left, box.top, box.right - box.left, box.bottom - box.top); cx.clip();
  const labels = [];
  map.levels.forEach(({ level, lines }, k) => {
    cx.strokeStyle = `hsl(215, 25%, ${72 - 40 * (k / map.levels.length)}%)`;
    cx.lineWidth = 1.2;
    let longest = null;
    for (const line of lines) {
      cx.beginPath();
      line.forEach(([x, y], i) => (i ? cx.lineTo(xs.map(x), ys.map(y)) : cx.moveTo(xs.map(x), ys.map(y))));
      cx.stroke();
      if (!longest || line.length > longest.length) longest = line;
    }
    if (longest && longest.length > 8 && k % 2 === 0) {
      const [x, y] = longest[Math.floor(longest.length * (0.25 + 0.5 * ((k / 2) % 2)))];
      labels.push([xs.map(x), ys.map(y), label(level + map.shift)]);
    }
  });
  cx.font = '13px "DejaVu Sans", sans-serif';
  cx.textAlign = 'center';
  cx.textBaseline = 'middle';
  // A label is left out where it would overlap one already placed or a minimum's star.
  const placed = race.minima.map(([mx, my]) => ({ x: xs.map(mx), y: ys.map(my), w: 26, h: 26 }));
  for (const [x, y, text] of labels) {
    const area = { x, y, w: cx.measureText(text).width + 8, h: 18 };
    if (placed.some((b) => Math.abs(b.x - area.x) < (b.w + area.w) / 2 && Math.abs(b.y - area.y) < (b.h + area.h) / 2)) continue;
    placed.push(area);
    cx.lineWidth = 4; cx.strokeStyle = '#fff'; cx.strokeText(text, x, y);
    cx.fillStyle = '#334155'; cx.fillText(text, x, y);
  }
  for (const [mx, my] of race.minima) {
    cx.fillStyle = '#111827';
    cx.font = '22px "DejaVu Sans", sans-serif';
    cx.fillText('★', xs.map(mx), ys.map(my));
  }
  race.runs.forEach((run, i) => {
    const colour = COLOURS[OPTIMIZERS.indexOf(run.optimizer)];
    const pts = run.trajectory.filter((p) => p.step <= frame && p.x !== null && p.y !== null);
    cx.strokeStyle = colour;
    cx.lineWidth = 2.5;
    cx.beginPath();
    pts.forEach((p, j) => (j ? cx.lineTo(xs.map(p.x), ys.map(p.y)) : cx.moveTo(xs.map(p.x), ys.map(p.y))));
    cx.stroke();
    const last = pts[pts.length - 1];
    if (last) {
      cx.fillStyle = colour;
      cx.beginPath(); cx.arc(xs.map(last.x), ys.map(last.y), 6, 0, 2 * Math.PI); cx.fill();
    }
  });
  const [sx, sy] = options().start;
  cx.strokeStyle = '#111827'; cx.lineWidth = 2;
  cx.beginPath(); cx.arc(xs.map(sx), ys.map(sy), 8, 0, 2 * Math.PI); cx.stroke();
  cx.restore();
  axes(cx, box, xs, ys, { xTitle: 'x', yTitle: 'y' });
}

/** The loss chart and the results table, up to `frame`. */
function drawLoss(frame) {
  const series = state.race.runs.map((run) => ({
    colour: COLOURS[OPTIMIZERS.indexOf(run.optimizer)],
    points: run.trajectory.filter((p) => p.step <= frame).map((p) => [p.step, p.loss]),
  }));
  lineChart($('loss'), series, { xTitle: 'step', yTitle: 'loss f(x, y)' });
}

/** A table's number: three significant digits, small and large ones in exponent form. */
function figure(v) {
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-2 || a >= 1e5)) return v.toExponential(2).replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
}

/** The results table: each run's steps to the threshold, final loss, path length, oscillation. */
function results() {
  const t = state.race.threshold;
  $('ranking').replaceChildren(h('table', { id: 'results' },
    h('thead', {}, h('tr', {}, ...['Optimizer', `Steps to f < ${t}`, 'Final loss', 'Path length', 'Oscillation'].map((c) => h('th', {}, c)))),
    h('tbody', {}, ...state.race.runs.map((run) => h('tr', {},
      h('td', {}, h('span', { class: 'swatch', style: `background: ${COLOURS[OPTIMIZERS.indexOf(run.optimizer)]}` }), run.optimizer),
      h('td', { class: 'num' }, run.steps_to_threshold ?? (run.diverged_at !== null ? `diverged at ${run.diverged_at}` : '—')),
      h('td', { class: 'num' }, run.final_loss === null ? '—' : figure(run.final_loss)),
      h('td', { class: 'num' }, figure(run.path_length)),
      h('td', { class: 'num' }, String(run.oscillation)))))));
}

function show(frame) {
  state.frame = frame;
  $('frame').value = frame;
  $('frame-out').textContent = frame;
  drawMap(frame);
  drawLoss(frame);
}

/** Replays the race from step 0 over about two seconds. */
function play() {
  const steps = Number($('frame').max);
  const t0 = performance.now();
  document.body.dataset.animating = 'true';
  const tick = (t) => {
    const frame = Math.min(steps, Math.round(((t - t0) / 2000) * steps));
    show(frame);
    if (frame < steps) requestAnimationFrame(tick);
    else {
      document.body.dataset.animating = 'false';
      document.body.dataset.races = String(Number(document.body.dataset.races ?? 0) + 1);
    }
  };
  requestAnimationFrame(tick);
}

async function recomputeNow() {
  try {
    const o = options();
    const [race, map] = await Promise.all([window.nabla.optimize(o), window.nabla.optimizeContours(o)]);
    state.race = race;
    state.map = map;
    $('frame').max = o.steps;
    $('error').textContent = '';
    results();
    play();
  } catch (e) {
    $('error').textContent = e.message;
  }
}
const recompute = debounce(recomputeNow, 150);

const nabla = await window.nablaReady;
for (const name of OPTIMIZERS) {
  const race = await nabla.optimize({ function: 'quadratic', start: [1, 1], steps: 0, optimizer: name });
  defaults[name] = race.runs[0].hyperparameters;
}
controls();
$('function').addEventListener('change', () => { $('expr-row').hidden = $('function').value !== 'expr'; recompute(); });
for (const id of ['expr', 'x0', 'y0', 'steps']) $(id).addEventListener('input', recompute);
$('frame').addEventListener('input', () => show(Number($('frame').value)));
$('play').addEventListener('click', play);
window.addEventListener('resize', debounce(() => state.race && show(state.frame), 100));
await recomputeNow();
document.body.dataset.ready = 'true';
