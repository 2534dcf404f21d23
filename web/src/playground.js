// The Playground page: the controls and their state (kept in the URL hash), a nabla.session
// trained a few mini-batches per animation frame, and its drawings — decision boundary,
// network weights, train and test loss.
import { h } from './site.js';
import { parse, serialize, sessionOptions } from './state.js';
import { draw as drawBoundary } from './heatmap.js';
import { build as buildNetwork } from './netview.js';
import { lineChart, label } from './plot.js';

const $ = (id) => document.getElementById(id);
const RESOLUTION = 64;
const state = parse(location.hash);
let nabla;
let session = null;
let data = null;
let updateNetwork = () => {};
let losses = [];
let playing = false;
let frameTimes = [];

/** A slider row bound to `state[key]`; `change(v)` runs after the state is updated. */
function slider(key, text, lo, hi, step, change, { log = false, format = label } = {}) {
  const toPos = (v) => (log ? Math.log10(v) : v);
  const fromPos = (p) => (log ? Number((10 ** p).toPrecision(2)) : p);
  const input = h('input', { type: 'range', id: `s-${key}`, min: toPos(lo), max: toPos(hi), step, value: toPos(state[key]) });
  const out = h('output', { for: `s-${key}` }, format(state[key]));
  input.addEventListener('input', () => {
    state[key] = fromPos(Number(input.value));
    out.textContent = format(state[key]);
    save();
    change(state[key]);
  });
  return h('tr', {}, h('td', {}, h('label', { for: `s-${key}`, style: 'display: inline' }, text)), h('td', { style: 'width: 50%' }, input), h('td', {}, out));
}

function save() {
  history.replaceState(null, '', serialize(state));
}

function twoD(name) {
  return ['circle', 'xor', 'gaussians', 'spiral'].includes(name);
}

function controls() {
  const restart = () => reset();
  $('data').value = state.data;
  $('optimizer').value = state.optimizer;
  $('activation').value = state.activation;
  $('data-sliders').replaceChildren(
    ...(twoD(state.data) ? [
      slider('points', 'points', 50, 2000, 50, restart, { format: String }),
      slider('noise', 'noise', 0, 1, 0.05, restart),
    ] : []),
    slider('testFraction', 'test fraction', 0.1, 0.9, 0.05, restart),
  );
  $('train-sliders').replaceChildren(
    slider('lr', 'learning rate', 1e-4, 1, 0.05, (v) => session && session.set({ lr: v }), { log: true }),
    slider('batch', 'batch size', 1, 100, 1, (v) => session && session.set({ batch: v }), { format: String }),
    slider('seed', 'seed', 0, 50, 1, restart, { format: String }),
    slider('stepsPerFrame', 'steps per frame', 1, 50, 1, () => {}, { format: String }),
  );
  $('net-sliders').replaceChildren(
    slider('dropout', 'dropout', 0, 0.6, 0.05, restart),
    ...(state.activation === 'swish' ? [slider('beta', 'Swish β', 0, 5, 0.1, restart)] : []),
  );
  $('widths').replaceChildren(...state.hidden.map((w, i) => {
    const minus = h('button', { class: 'secondary', type: 'button', 'aria-label': `narrower layer ${i + 1}` }, '−');
    const plus = h('button', { class: 'secondary', type: 'button', 'aria-label': `wider layer ${i + 1}` }, '+');
    minus.addEventListener('click', () => { state.hidden[i] = Math.max(1, w - 1); changed(); });
    plus.addEventListener('click', () => { state.hidden[i] = Math.min(64, w + 1); changed(); });
    return h('div', { class: 'width-box' }, plus, h('strong', {}, String(w)), minus);
  }));
}

/** A change that needs a new network: redraw the controls and start over. */
function changed() {
  save();
  controls();
  reset();
}

async function reset() {
  try {
    const next = await nabla.session(sessionOptions(state));
    if (session) session.free();
    session = next;
    data = session.data();
    updateNetwork = buildNetwork($('network'), data.widths, data.features);
    const st = session.state();
    losses = st.losses;
    $('error').textContent = '';
    $('boundary').hidden = !data.two_d;
    $('boundary-note').textContent = data.two_d
      ? 'Orange: class 0, blue: class 1; ringed points are the test set.'
      : `${data.dataset}: ${data.rows.train} training and ${data.rows.test} test rows, ${data.features.length} features — no plane to draw.`;
    render(st);
  } catch (e) {
    $('error').textContent = e.message;
    pause();
  }
}

function render(st) {
  $('epoch').textContent = st.epoch.toFixed(2);
  $('steps').textContent = st.step;
  $('train-loss').textContent = st.train.loss.toFixed(4);
  $('test-loss').textContent = st.test.loss.toFixed(4);
  $('test-acc').textContent = st.test.accuracy === undefined ? `R² ${st.test.r_squared?.toFixed(3) ?? '—'}` : st.test.accuracy.toFixed(3);
  updateNetwork(st.weights);
  if (data.two_d) drawBoundary($('boundary'), session.boundary(RESOLUTION), RESOLUTION, data.view, data.train, data.test);
  lineChart($('curves'), [
    { colour: '#111827', points: losses.map((p) => [p.step, p.train.loss]) },
    { colour: '#d62728', points: losses.map((p) => [p.step, p.test.loss]) },
  ], { xTitle: 'step', yTitle: 'loss', log: false });
}

function advance(n) {
  try {
    const st = session.step(n);
    losses.push({ step: st.step, epoch: st.epoch, train: st.train, test: st.test });
    render(st);
    return true;
  } catch (e) {
    $('error').textContent = e.message;
    pause();
    return false;
  }
}

function frame(t) {
  if (!playing) return;
  frameTimes.push(t);
  if (frameTimes.length > 30) frameTimes.shift();
  if (frameTimes.length > 1) {
    const fps = (1000 * (frameTimes.length - 1)) / (t - frameTimes[0]);
    $('fps').textContent = `${fps.toFixed(0)} frames/s`;
    document.body.dataset.fps = fps.toFixed(1);
  }
  if (advance(state.stepsPerFrame)) requestAnimationFrame(frame);
}

function play() {
  playing = true;
  frameTimes = [];
  $('play').textContent = '❚❚ Pause';
  requestAnimationFrame(frame);
}

function pause() {
  playing = false;
  $('play').textContent = '▶ Train';
}

$('play').addEventListener('click', () => (playing ? pause() : play()));
$('step').addEventListener('click', () => { pause(); advance(1); });
$('reset').addEventListener('click', () => { pause(); reset(); });
$('data').addEventListener('change', () => { state.data = $('data').value; changed(); });
$('optimizer').addEventListener('change', () => { state.optimizer = $('optimizer').value; changed(); });
$('activation').addEventListener('change', () => { state.activation = $('activation').value; changed(); });
$('add-layer').addEventListener('click', () => { if (state.hidden.length < 6) state.hidden.push(4); changed(); });
$('remove-layer').addEventListener('click', () => { state.hidden.pop(); changed(); });

nabla = await window.nablaReady;
save();
controls();
await reset();
document.body.dataset.ready = 'true';
