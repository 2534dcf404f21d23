// The Backprop page: the spec editor, the network drawing, the worked solution (the blocks the
// CLI prints) and the marking of pasted claims. Everything is computed by window.nabla.
import { h, debounce } from './site.js';
import { draw } from './netdraw.js';

/** MISSION.md topic 7: the 2-2-1 reference problem. */
const REFERENCE = `{
  "input": [0.5, 1.0],
  "target": [1.0],
  "layers": [
    {"weight": [[1.0, 1.0], [-1.0, -1.0]], "bias": [1.0, 2.0], "activation": "sigmoid"},
    {"weight": [[0.8, -1.0]], "bias": [-1.0], "activation": "sigmoid"}
  ],
  "loss": "bce",
  "optimizer": {"name": "sgd", "lr": 0.1}
}`;

/** A worked solution with a slip in net_h2, carried forward. */
const STUDENT = `{
  "net_h1": 2.5,
  "out_h1": 0.924,
  "net_h2": -1.5,
  "out_h2": 0.182,
  "net_o1": -0.443,
  "out_o1": 0.391,
  "J": 0.939,
  "delta_o1": -0.609,
  "dJ/dw5": -0.563,
  "dJ/dw6": -0.111,
  "dJ/db3": -0.609,
  "w5+": 0.744,
  "w6+": -0.989,
  "b3+": -0.939
}`;

const $ = (id) => document.getElementById(id);
let highlight = () => {};

/** Names of units and parameters in a line of math: w5, b3, h1, o1, x2, … */
function namesIn(line) {
  return new Set(line.match(/[A-Za-z][A-Za-z0-9_]*/g) ?? []);
}

/** Renders the worked solution's blocks. */
function renderWorked(blocks) {
  const out = [];
  for (const b of blocks) {
    if ('title' in b) out.push(h('h2', {}, b.title));
    else if ('heading' in b) out.push(h('h2', {}, b.heading));
    else if ('subheading' in b) out.push(h('h3', {}, b.subheading));
    else if ('paragraph' in b) out.push(h('p', {}, b.paragraph));
    else if ('math' in b) {
      const box = h('div', { class: 'math' });
      for (const line of b.math) {
        const div = h('div', {}, line);
        div.addEventListener('mouseenter', () => { div.classList.add('hl'); highlight(namesIn(line)); });
        div.addEventListener('mouseleave', () => { div.classList.remove('hl'); highlight(new Set()); });
        box.append(div);
      }
      out.push(box);
    } else if ('table' in b) {
      const t = b.table;
      out.push(h('table', {},
        h('thead', {}, h('tr', {}, ...t.header.map((c) => h('th', {}, c)))),
        h('tbody', {}, ...t.rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c)))))));
    }
  }
  $('worked').replaceChildren(...out);
}

/** Recomputes everything from the spec text. */
async function update() {
  const text = $('spec').value;
  try {
    const spec = JSON.parse(text);
    const [result, blocks] = await Promise.all([
      window.nabla.backprop(text), window.nabla.backpropWorked(text, { digits: 6 })]);
    highlight = draw($('network'), spec, result);
    renderWorked(blocks);
    $('spec-error').textContent = '';
  } catch (e) {
    $('spec-error').textContent = e.message;
  }
}

/** Marks the pasted claims. */
async function mark() {
  try {
    const result = await window.nabla.backprop($('spec').value, { claims: $('claims').value });
    const s = result.claims_summary;
    const rows = result.claims.map((c) => h('tr', { 'data-name': c.name },
      h('td', {}, h('code', {}, c.name)),
      h('td', { class: 'num' }, String(c.claimed)),
      h('td', { class: `verdict ${c.verdict}` }, { correct: '✓ correct', carried: '↪ carried', wrong: '✗ wrong' }[c.verdict]),
      h('td', { class: 'num' }, c.value === null ? '—' : String(Number(c.value.toPrecision(6)))),
      h('td', {}, c.explanation ?? '')));
    $('marks').replaceChildren(
      h('p', { class: 'summary' }, `${s.correct} correct, ${s.carried} carried forward, ${s.wrong} wrong`),
      h('table', { id: 'marks-table' },
        h('thead', {}, h('tr', {}, ...['Claim', 'Written', 'Mark', 'True value', 'Why'].map((c) => h('th', {}, c)))),
        h('tbody', {}, ...rows)));
    $('claims-error').textContent = '';
  } catch (e) {
    $('marks').replaceChildren();
    $('claims-error').textContent = e.message;
  }
}

$('spec').value = REFERENCE;
$('claims').value = STUDENT;
$('spec').addEventListener('input', debounce(update, 250));
$('reset').addEventListener('click', () => { $('spec').value = REFERENCE; update(); });
$('example').addEventListener('click', () => { $('claims').value = STUDENT; mark(); });
$('mark').addEventListener('click', mark);
await window.nablaReady;
await update();
await mark();
document.body.dataset.ready = 'true';
