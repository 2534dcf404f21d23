// The Regression page: CSV text (pasted, typed or opened), the response and regressors chosen
// from its header, and the regression nabla.regress computes (the JSON of `nabla regress
// --format json`): the summary table, the Durbin–Watson test drawn on the line from 0 to 4,
// Breusch–Godfrey, the residuals in row order and the lag plot; pasted claims are marked.
import { h, debounce } from './site.js';
import { context, scale, axes } from './plot.js';

/** MISSION.md topic 2: the reference problem (n = 10, one regressor plus intercept). */
const REFERENCE = `x,y
48.9,40.8
50.4,42.5
52.9,44.9
55,46.1
56.8,47.4
58.8,49.1
61.2,51.5
62.5,53.5
64.7,54.2
68,57.3
`;

/** A worked solution of the reference problem with a slip in Σ(e_t − e_{t−1})², carried into d. */
const STUDENT = `{
  "intercept": -0.744,
  "slope": 0.854,
  "r_squared": 0.994,
  "sigma": 0.425,
  "sse": 1.44,
  "sum_sq_diff": 3.5,
  "d": 2.43,
  "d_L": 0.879,
  "d_U": 1.320,
  "verdict": "no_autocorrelation"
}`;

const VERDICTS = {
  positive_autocorrelation: 'positive autocorrelation',
  negative_autocorrelation: 'negative autocorrelation',
  no_autocorrelation: 'no autocorrelation',
  inconclusive: 'inconclusive',
};

const $ = (id) => document.getElementById(id);
const state = { file: 'data.csv', columns: [], result: null };

/** A number to `digits` significant digits (tiny and huge ones in exponent form); null is a dash. */
function fmt(v, digits = 6) {
  if (v === null || v === undefined) return '—';
  if (typeof v !== 'number') return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-4 || a >= 1e9) return v.toExponential(digits - 3).replace('e+', 'e');
  return String(Number(v.toPrecision(digits)));
}

/** A p-value: four decimals, or its exponent form below 10⁻⁴. */
function pval(v) {
  if (v === null || v === undefined) return '—';
  return v < 1e-4 ? v.toExponential(2).replace('e+', 'e') : v.toFixed(4);
}

/** The header's columns and which of them hold a number in the first data row. */
function columns(text) {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) return [];
  const cells = (l) => l.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  const names = cells(lines[0]);
  const first = lines.length > 1 ? cells(lines[1]) : [];
  return names.map((name, i) => ({ name, numeric: first[i] !== undefined && first[i] !== '' && Number.isFinite(Number(first[i])) }));
}

/** Rebuilds the y menu and the x boxes from the CSV's header, keeping the choices that still apply. */
function refreshColumns() {
  const cols = columns($('csv').value);
  const names = cols.map((c) => c.name);
  if (JSON.stringify(names) === JSON.stringify(state.columns.map((c) => c.name))) return;
  const oldY = $('y').value;
  const oldX = new Set([...document.querySelectorAll('#xs input:checked')].map((b) => b.value));
  const hadX = state.columns.length > 0;
  state.columns = cols;
  const numeric = cols.filter((c) => c.numeric).map((c) => c.name);
  const y = names.includes(oldY) ? oldY : (names.includes('y') ? 'y' : (numeric.at(-1) ?? names.at(-1) ?? ''));
  $('y').replaceChildren(...names.map((n) => h('option', { value: n }, n)));
  $('y').value = y;
  const kept = new Set(names.filter((n) => oldX.has(n)));
  renderXs(hadX && kept.size > 0 ? kept : new Set(numeric));
}

/** The regressor boxes: every column but the response; `checked` names the ticked ones. */
function renderXs(checked) {
  const y = $('y').value;
  $('xs').replaceChildren(...state.columns.filter((c) => c.name !== y).map((c) => {
    const box = h('input', { type: 'checkbox', value: c.name });
    box.checked = checked.has(c.name) && c.numeric;
    box.addEventListener('change', update);
    return h('label', { class: 'x-box' }, box, ` ${c.name}`);
  }));
}

/** The options of the fit the controls describe (the CLI's flags in camelCase). */
function options() {
  const o = {
    file: state.file,
    y: $('y').value,
    x: [...document.querySelectorAll('#xs input:checked')].map((b) => b.value),
    alpha: Number($('alpha').value),
    bgOrder: Number($('bg-order').value),
    method: $('method').value,
  };
  if (!$('intercept').checked) o.noIntercept = true;
  return o;
}

/** A definition list of [term, value] pairs. */
function props(pairs) {
  return h('dl', { class: 'props' }, ...pairs.flatMap(([t, v]) => [h('dt', {}, ...[t].flat()), h('dd', { class: 'num' }, v)]));
}

/** The coefficient table and the fit's statistics. */
function renderSummary(r) {
  const rows = r.coefficients.map((c) => h('tr', { 'data-name': c.name },
    h('th', { scope: 'row' }, h('code', {}, c.name)),
    ...[c.estimate, c.std_error, c.t].map((v) => h('td', { class: 'num' }, fmt(v))),
    h('td', { class: 'num' }, pval(c.p_value)),
    h('td', { class: 'num' }, c.ci_low === null ? '—' : `[${fmt(c.ci_low, 5)}, ${fmt(c.ci_high, 5)}]`),
    ...(r.aliased.length > 0 ? [h('td', {}, c.aliased ? 'aliased' : '')] : [])));
  const head = ['', 'estimate', 'std error', 't', 'P > |t|', '95% interval', ...(r.aliased.length > 0 ? [''] : [])];
  const table = h('table', { id: 'coefficients' },
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', {}, c)))),
    h('tbody', {}, ...rows));
  const fit = props([
    ['n', `${r.n} (df ${r.df_resid})`],
    ['R²', fmt(r.r_squared)],
    ['adjusted R²', fmt(r.adj_r_squared)],
    ['σ̂', fmt(r.sigma)],
    ['F', r.f_statistic === null ? '—' : `${fmt(r.f_statistic)} (p ${pval(r.f_p_value)})`],
    ['Σe²', fmt(r.rss)],
    ['AIC, BIC', `${fmt(r.aic)}, ${fmt(r.bic)}`],
    ['condition no.', fmt(r.condition_number, 4)],
  ]);
  $('summary').replaceChildren(table, h('div', { class: 'fit-stats' }, fit),
    h('p', { class: 'muted small' }, `${r.method === 'qr' ? 'Householder QR' : 'normal equations (XᵀX)⁻¹Xᵀy'}; y = ${r.y}, ${r.file}`));
}

/** The Durbin–Watson statistic, its p-values, the bounds and the verdict. */
function renderDw(r) {
  const dw = r.durbin_watson;
  const verdict = dw.verdict;
  const b = dw.bounds;
  const exact = dw.p_method === 'exact' ? 'exact (Imhof)' : dw.p_method.replaceAll('_', ' ');
  $('dw').replaceChildren(
    h('div', { class: 'dw-head' },
      h('span', { class: 'dw-d' }, 'd = ', h('output', { id: 'dw-d' }, fmt(dw.statistic, 5))),
      verdict ? h('span', { class: `badge ${verdict}`, id: 'dw-verdict' }, VERDICTS[verdict] ?? verdict)
        : h('span', { class: 'badge none', id: 'dw-verdict' }, 'no bounds test without an intercept')),
    props([
      [['d', h('sub', {}, 'L'), ', d', h('sub', {}, 'U'), ` at α = ${b ? b.alpha : $('alpha').value}`],
        b && b.d_l !== null ? `${b.d_l.toFixed(4)}, ${b.d_u.toFixed(4)}` : '—'],
      ['p (ρ > 0)', `${pval(dw.p_value.greater)}`],
      ['p (ρ < 0)', `${pval(dw.p_value.less)}`],
      ['p (ρ ≠ 0)', `${pval(dw.p_value.two_sided)}`],
      ['ρ̂', fmt(dw.rho, 4)],
      ['E d, Var d under H₀', `${fmt(dw.null_mean, 5)}, ${fmt(dw.null_variance, 4)}`],
    ]),
    h('p', { class: 'muted small' }, `p-values ${exact}; bounds ${b ? b.method.replaceAll('_', ' ') : '—'}.`));
  drawDwLine(dw);
}

/** d on the line from 0 to 4, with the regions of the bounds test shaded. */
function drawDwLine(dw) {
  const { cx, width, height } = context($('dw-line'));
  const box = { left: 20, right: width - 20, top: 6, bottom: height - 58 };
  const middle = (box.top + box.bottom) / 2;
  const x = scale(0, 4, box.left, box.right);
  const b = dw.bounds;
  if (b && b.d_l !== null && b.d_u !== null) {
    const regions = [
      [0, b.d_l, '#fecaca', 'ρ > 0'],
      [b.d_l, b.d_u, '#fde68a', '?'],
      [b.d_u, 4 - b.d_u, '#bbf7d0', 'no autocorrelation'],
      [4 - b.d_u, 4 - b.d_l, '#fde68a', '?'],
      [4 - b.d_l, 4, '#fecaca', 'ρ < 0'],
    ];
    cx.font = '15px "DejaVu Sans", sans-serif';
    cx.textAlign = 'center';
    cx.textBaseline = 'middle';
    for (const [lo, hi, colour, text] of regions) {
      cx.fillStyle = colour;
      cx.fillRect(x(lo), box.top, x(hi) - x(lo), box.bottom - box.top);
      cx.fillStyle = '#111827';
      if (x(hi) - x(lo) > cx.measureText(text).width + 8) cx.fillText(text, (x(lo) + x(hi)) / 2, middle - 4);
    }
  }
  cx.strokeStyle = '#111827';
  cx.lineWidth = 1.5;
  cx.strokeRect(box.left, box.top, box.right - box.left, box.bottom - box.top);
  cx.fillStyle = '#111827';
  cx.font = '14px "DejaVu Sans", sans-serif';
  cx.textAlign = 'center';
  cx.textBaseline = 'top';
  const marks = [[0, '0'], [2, '2'], [4, '4']];
  if (b && b.d_l !== null) marks.push([b.d_l, 'd', 'L'], [b.d_u, 'd', 'U'], [4 - b.d_u, '4−d', 'U'], [4 - b.d_l, '4−d', 'L']);
  for (const [v, t, sub] of marks) {
    cx.beginPath(); cx.moveTo(x(v), box.bottom); cx.lineTo(x(v), box.bottom + 5); cx.stroke();
    subscripted(cx, t, sub, x(v), box.bottom + 7);
  }
  if (dw.statistic !== null) {
    // d: a bar across the lower part of the strip (clear of the region labels), and an arrow
    // under the axis with its value.
    const px = x(Math.min(4, Math.max(0, dw.statistic)));
    cx.strokeStyle = '#1d4ed8';
    cx.fillStyle = '#1d4ed8';
    cx.lineWidth = 4;
    cx.beginPath(); cx.moveTo(px, middle + 10); cx.lineTo(px, box.bottom); cx.stroke();
    const tip = box.bottom + 30;
    cx.beginPath(); cx.moveTo(px, tip - 8); cx.lineTo(px - 7, tip + 3); cx.lineTo(px + 7, tip + 3); cx.closePath(); cx.fill();
    cx.font = 'bold 16px "DejaVu Sans", sans-serif';
    cx.textBaseline = 'middle';
    const text = `d = ${fmt(dw.statistic, 5)}`;
    const w = cx.measureText(text).width;
    cx.textAlign = 'left';
    cx.fillText(text, Math.min(box.right - w, Math.max(box.left, px + 12)), tip - 1);
  }
}

/** `text` with `sub` as its subscript, centred on x (top at y). */
function subscripted(cx, text, sub, x, y) {
  const font = cx.font;
  const w = cx.measureText(text).width;
  cx.font = font.replace(/\d+px/, '11px');
  const ws = sub ? cx.measureText(sub).width : 0;
  cx.font = font;
  cx.textAlign = 'left';
  cx.fillText(text, x - (w + ws) / 2, y);
  if (sub) {
    cx.font = font.replace(/\d+px/, '11px');
    cx.fillText(sub, x - (w + ws) / 2 + w, y + 7);
    cx.font = font;
  }
  cx.textAlign = 'center';
}

/** Breusch–Godfrey's LM and F forms. */
function renderBg(r) {
  const bg = r.breusch_godfrey;
  if (bg.note) {
    // Not computable (n = rank + 1): the CLI's note stands in the test's place.
    $('bg').replaceChildren(
      h('p', { class: 'bg-order' }, `order ${bg.order}: not computable`),
      h('p', { class: 'muted' }, bg.note));
    return;
  }
  const row = (name, stat, df, p) => h('tr', {}, h('th', { scope: 'row' }, name, h('span', { class: 'muted' }, ` ~ ${df}`)),
    h('td', { class: 'num' }, fmt(stat)), h('td', { class: 'num' }, pval(p)));
  $('bg').replaceChildren(
    h('p', { class: 'bg-order' }, `order ${bg.order}: H₀ no autocorrelation up to lag ${bg.order}`),
    h('table', { id: 'bg-table' },
      h('thead', {}, h('tr', {}, ...['', 'statistic', 'p'].map((c) => h('th', {}, c)))),
      h('tbody', {}, row('LM', bg.statistic, `χ²(${bg.df})`, bg.p_value),
        row('F', bg.f_statistic, `F(${bg.f_df[0]}, ${bg.f_df[1]})`, bg.f_p_value))),
    h('p', { class: 'muted small' }, 'LM = n·R² of the residuals regressed on the regressors and their own lags, as R\'s lmtest::bgtest.'));
}

/** A padded range holding `values` and 0. */
function range(values) {
  let lo = Math.min(0, ...values);
  let hi = Math.max(0, ...values);
  if (lo === hi) { lo -= 1; hi += 1; }
  const pad = 0.08 * (hi - lo);
  return [lo - pad, hi + pad];
}

/** A dashed zero line across the box (horizontal at y = 0, or vertical at x = 0). */
function zero(cx, box, map, vertical = false) {
  const p = map(0);
  cx.save();
  cx.strokeStyle = '#6b7280';
  cx.lineWidth = 1.5;
  cx.setLineDash([6, 5]);
  cx.beginPath();
  if (vertical) { cx.moveTo(p, box.top); cx.lineTo(p, box.bottom); } else { cx.moveTo(box.left, p); cx.lineTo(box.right, p); }
  cx.stroke();
  cx.restore();
}

/** A filled dot. */
function dot(cx, px, py, colour) {
  cx.fillStyle = colour;
  cx.beginPath(); cx.arc(px, py, 5, 0, 2 * Math.PI); cx.fill();
  cx.strokeStyle = '#fff';
  cx.lineWidth = 1.5;
  cx.stroke();
}

/** The residuals against t, joined in order. */
function drawResiduals(r) {
  const e = r.residuals.map((v) => v ?? NaN);
  const { cx, width, height } = context($('residuals'));
  const box = { left: 84, right: width - 16, top: 14, bottom: height - 58 };
  const n = e.length;
  const xs = { lo: 1, hi: n, map: scale(0.5, n + 0.5, box.left, box.right) };
  const [lo, hi] = range(e.filter(Number.isFinite));
  const ys = { lo, hi, map: scale(lo, hi, box.bottom, box.top) };
  axes(cx, box, xs, ys, { xTitle: 't (row)', yTitle: 'residual e(t)', yTicks: 8 });
  zero(cx, box, ys.map);
  cx.strokeStyle = '#1d4ed8';
  cx.lineWidth = 2;
  cx.beginPath();
  e.forEach((v, i) => { if (i === 0) cx.moveTo(xs.map(i + 1), ys.map(v)); else cx.lineTo(xs.map(i + 1), ys.map(v)); });
  cx.stroke();
  e.forEach((v, i) => dot(cx, xs.map(i + 1), ys.map(v), v >= 0 ? '#b45309' : '#1d4ed8'));
}

/** e_t against e_{t−1}, with the line of slope ρ̂. */
function drawLag(r) {
  const e = r.residuals.map((v) => v ?? NaN);
  const { cx, width, height } = context($('lag'));
  // The square plot, its legend to the right where the width allows, centred.
  const legend = width - 100 - (height - 72) >= 150 || width >= 560 ? 160 : 0;
  const side = Math.max(80, Math.min(width - 100 - legend, height - 72));
  const left = 84 + Math.max(0, (width - 100 - legend - side) / 2);
  const box = { left, right: left + side, top: 14, bottom: 14 + side };
  const [lo, hi] = range(e.filter(Number.isFinite));
  const xs = { lo, hi, map: scale(lo, hi, box.left, box.right) };
  const ys = { lo, hi, map: scale(lo, hi, box.bottom, box.top) };
  axes(cx, box, xs, ys, { xTitle: 'e(t−1)', yTitle: 'e(t)', yTicks: 8 });
  zero(cx, box, ys.map);
  zero(cx, box, xs.map, true);
  const rho = r.durbin_watson.rho;
  cx.save();
  cx.beginPath(); cx.rect(box.left, box.top, box.right - box.left, box.bottom - box.top); cx.clip();
  if (rho !== null) {
    cx.strokeStyle = '#b91c1c';
    cx.lineWidth = 2;
    cx.beginPath(); cx.moveTo(xs.map(lo), ys.map(rho * lo)); cx.lineTo(xs.map(hi), ys.map(rho * hi)); cx.stroke();
  }
  for (let t = 1; t < e.length; t += 1) dot(cx, xs.map(e[t - 1]), ys.map(e[t]), '#1d4ed8');
  cx.restore();
  if (rho !== null) {
    cx.fillStyle = '#b91c1c';
    cx.font = 'bold 15px "DejaVu Sans", sans-serif';
    cx.textAlign = 'left';
    cx.textBaseline = 'top';
    const [lx, ly] = legend ? [box.right + 12, box.top + 4] : [box.left + 8, box.top + 6];
    cx.fillText(`slope ρ̂ = ${fmt(rho, 3)}`, lx, ly);
    cx.fillStyle = '#4b5563';
    cx.font = '14px "DejaVu Sans", sans-serif';
    cx.fillText(`${e.length - 1} pairs (e(t−1), e(t))`, lx, ly + 22);
  }
}

/** Recomputes the regression from the controls. */
async function update() {
  refreshColumns();
  try {
    const r = await window.nabla.regress($('csv').value, options());
    state.result = r;
    renderSummary(r);
    renderDw(r);
    renderBg(r);
    drawResiduals(r);
    drawLag(r);
    $('warnings').replaceChildren(...r.warnings.map((w) => h('li', {}, w)));
    $('error').textContent = '';
    document.body.dataset.fits = String(Number(document.body.dataset.fits ?? 0) + 1);
  } catch (e) {
    state.result = null;
    $('error').textContent = e.message;
    for (const id of ['summary', 'dw', 'bg', 'warnings']) $(id).replaceChildren();
    for (const id of ['residuals', 'lag', 'dw-line']) context($(id));
  }
}

/** A claimed or true value as text; a verdict may break after its underscore. */
function written(v) {
  return typeof v === 'string' ? v.replaceAll('_', '_\u200b') : String(v);
}

/** Marks the pasted claims against the regression the controls describe. */
async function mark() {
  try {
    const result = await window.nabla.regress($('csv').value, { ...options(), claims: $('claims').value });
    const s = result.claims_summary;
    const rows = result.claims.map((c) => h('tr', { 'data-name': c.name },
      h('td', {}, h('code', {}, c.name)),
      h('td', { class: typeof c.claimed === 'string' ? 'num text' : 'num' }, written(c.claimed)),
      h('td', { class: `verdict ${c.verdict}` }, { correct: '✓ correct', carried: '↪ carried', wrong: '✗ wrong' }[c.verdict]),
      h('td', { class: typeof c.value === 'string' ? 'num text' : 'num' }, typeof c.value === 'number' ? fmt(c.value) : written(c.value ?? '—')),
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

const later = debounce(update, 250);
$('csv').value = REFERENCE;
$('claims').value = STUDENT;
$('csv').addEventListener('input', later);
$('y').addEventListener('change', () => { renderXs(new Set(state.columns.filter((c) => c.numeric).map((c) => c.name))); update(); });
for (const id of ['alpha', 'bg-order']) $(id).addEventListener('input', later);
for (const id of ['intercept', 'method']) $(id).addEventListener('change', update);
$('upload').addEventListener('change', async () => {
  const file = $('upload').files[0];
  if (!file) return;
  state.file = file.name;
  $('csv').value = await file.text();
  state.columns = [];
  await update();
});
$('reset').addEventListener('click', () => {
  state.file = 'data.csv';
  state.columns = [];
  $('csv').value = REFERENCE;
  $('alpha').value = '0.05';
  $('bg-order').value = '1';
  $('intercept').checked = true;
  $('method').value = 'qr';
  update();
});
$('example').addEventListener('click', () => { $('claims').value = STUDENT; mark(); });
$('mark').addEventListener('click', mark);
let resized = 0;
window.addEventListener('resize', () => {
  cancelAnimationFrame(resized);
  resized = requestAnimationFrame(() => { if (state.result) { drawDwLine(state.result.durbin_watson); drawResiduals(state.result); drawLag(state.result); } });
});
await window.nablaReady;
await update();
await mark();
document.body.dataset.ready = 'true';
