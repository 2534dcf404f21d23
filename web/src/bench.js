// The Speed page: nabla.bench (the `nabla bench` workloads in WebAssembly) with a table of
// each workload's median time per unit, its rate and, for the matrix product, GFLOP/s.
import { h } from './site.js';

const $ = (id) => document.getElementById(id);
const WORKLOADS = ['tiny221', 'digits_epoch', 'gemm_128x512x784'];
/** What each workload's unit is (docs/performance.md's table). */
const WHAT = {
  tiny221: 'one SGD step of the 2-2-1 sigmoid network on one row (all overhead)',
  digits_epoch: 'one epoch of a 64-64-10 ReLU network on the 1347 digits rows, batch 32, Adam',
  gemm_128x512x784: 'one f32 product C = A·B, A 128×784, B 784×512',
};

/** The results table: a row per workload, with `cells(workload)` after its name and purpose. */
function table(rows) {
  $('results').replaceChildren(
    h('thead', {}, h('tr', {}, ...['workload', 'unit', 'median per unit', 'fastest', 'slowest', 'rate'].map((c) => h('th', {}, c)))),
    h('tbody', {}, ...rows.map(([name, cells]) => h('tr', {},
      h('td', {}, h('code', {}, name)), h('td', { class: 'what' }, WHAT[name] ?? ''), ...cells))));
}

/** The time `s` (seconds) in the unit that reads best. */
export function duration(s) {
  if (s < 1e-3) return `${(s * 1e6).toPrecision(3)} µs`;
  if (s < 1) return `${(s * 1e3).toPrecision(3)} ms`;
  return `${s.toPrecision(3)} s`;
}

/** The rate of one workload row: GFLOP/s for a product, rows per second otherwise. */
export function rate(row) {
  return row.workload.startsWith('gemm_')
    ? `${(row.rows_per_second / 1e9).toPrecision(3)} GFLOP/s`
    : `${Math.round(row.rows_per_second).toLocaleString('en')} rows/s`;
}

async function run() {
  $('run').disabled = true;
  $('error').textContent = 'running…';
  // Let the page paint "running…" before the work blocks it.
  await new Promise((ok) => setTimeout(ok, 50));
  try {
    const doc = await window.nabla.bench({ workload: WORKLOADS, seconds: Number($('seconds').value), repeats: Number($('repeats').value) });
    table(doc.workloads.map((w) => [w.workload, [
      ...[w.unit_seconds.median, w.unit_seconds.min, w.unit_seconds.max].map((s) => h('td', { class: 'num' }, duration(s))),
      h('td', { class: 'num' }, rate(w))]]));
    $('error').textContent = '';
    document.body.dataset.runs = String(Number(document.body.dataset.runs ?? 0) + 1);
  } catch (e) {
    $('error').textContent = e.message;
  } finally {
    $('run').disabled = false;
  }
}

$('run').addEventListener('click', run);
table(WORKLOADS.map((name) => [name, [1, 2, 3, 4].map(() => h('td', { class: 'num muted' }, '—'))]));
await window.nablaReady;
document.body.dataset.ready = 'true';
