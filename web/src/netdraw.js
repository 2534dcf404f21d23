// The network of a backprop spec as an SVG drawing: inputs, units (with net and out of the
// first sample), and an edge per weight labelled with its name and value; `highlight(names)`
// marks the units and parameters a hovered line of the worked solution uses.
import { svg as el } from './site.js';

/** Short display of a number. */
export function short(v) {
  if (v === null || v === undefined) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return Number(v.toPrecision(4)).toString();
}

/** First sample's row of a per-layer array (one sample gives [units], a batch [samples][units]). */
function first(rows) {
  return Array.isArray(rows[0]) ? rows[0] : rows;
}

/**
 * Draws `spec` (the parsed spec) with the values of `result` (nabla.backprop's JSON) into the
 * `<svg>` element `svg`. Returns a function that highlights the named units and parameters.
 */
export function draw(svg, spec, result) {
  svg.replaceChildren();
  const names = result.names;
  const widths = [names.inputs.length, ...names.layers.map((l) => l.units.length)];
  const W = 540;
  const rowH = 132;
  const H = Math.max(...widths) * rowH + 36;
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const colX = (c) => 44 + (c * (W - 98)) / (widths.length - 1);
  const rowY = (c, i) => H / 2 + (i - (widths[c] - 1) / 2) * rowH;
  const marks = new Map();
  const mark = (name, node) => {
    if (!marks.has(name)) marks.set(name, []);
    marks.get(name).push(node);
  };
  const edges = el('g', {});
  const units = el('g', {});
  svg.append(edges, units);
  const inputs = Array.isArray(spec.inputs) ? spec.inputs[0] : spec.input;
  names.inputs.forEach((name, i) => {
    const g = el('g', { class: 'unit' });
    g.append(el('rect', { x: colX(0) - 34, y: rowY(0, i) - 24, width: 68, height: 48, rx: 6, fill: '#fff', stroke: '#111827', 'stroke-width': 2 }));
    g.append(el('text', { x: colX(0), y: rowY(0, i) - 2, 'text-anchor': 'middle', 'font-size': 19, 'font-weight': 700 }, name));
    g.append(el('text', { x: colX(0), y: rowY(0, i) + 17, 'text-anchor': 'middle', 'font-size': 16 }, short(inputs[i])));
    units.append(g);
    mark(name, g);
  });
  names.layers.forEach((layer, l) => {
    const c = l + 1;
    const net = first(result.layers[l].net);
    const out = first(result.layers[l].out);
    const weights = spec.layers[l].weight;
    layer.units.forEach((unit, j) => {
      const sources = c === 1 ? names.inputs : names.layers[l - 1].units;
      sources.forEach((_, i) => {
        const w = weights[j][i];
        const x1 = colX(c - 1) + (c === 1 ? 36 : 48);
        const y1 = rowY(c - 1, i);
        const x2 = colX(c) - 48;
        const y2 = rowY(c, j);
        const line = el('line', { x1, y1, x2, y2, stroke: w >= 0 ? '#b45309' : '#1d4ed8', 'stroke-width': 1.5 + 2.5 * Math.min(Math.abs(w), 2) });
        const t = 0.3 + 0.4 * ((j + i) % 2);
        const label = el('text', { x: x1 + t * (x2 - x1), y: y1 + t * (y2 - y1) - 6, 'text-anchor': 'middle', 'font-size': 16, 'paint-order': 'stroke', stroke: '#fff', 'stroke-width': 4 }, `${layer.weight[j][i]} = ${short(w)}`);
        edges.append(line, label);
        mark(layer.weight[j][i], line);
        mark(layer.weight[j][i], label);
      });
      const g = el('g', { class: 'unit' });
      g.append(el('circle', { cx: colX(c), cy: rowY(c, j), r: 48, fill: '#fff', stroke: '#111827', 'stroke-width': 2 }));
      g.append(el('text', { x: colX(c), y: rowY(c, j) - 14, 'text-anchor': 'middle', 'font-size': 19, 'font-weight': 700 }, unit));
      g.append(el('text', { x: colX(c), y: rowY(c, j) + 6, 'text-anchor': 'middle', 'font-size': 14 }, `net ${short(net[j])}`));
      g.append(el('text', { x: colX(c), y: rowY(c, j) + 23, 'text-anchor': 'middle', 'font-size': 14 }, `out ${short(out[j])}`));
      g.append(el('text', { x: colX(c), y: rowY(c, j) + 66, 'text-anchor': 'middle', 'font-size': 15, fill: '#4b5563' }, `${layer.bias[j]} = ${short(spec.layers[l].bias[j])}`));
      units.append(g);
      mark(unit, g);
      mark(layer.bias[j], g);
    });
  });
  return (used) => {
    for (const [name, nodes] of marks) {
      const on = used.has(name);
      for (const n of nodes) n.classList.toggle('hl', on);
    }
  };
}
