// The network being trained, drawn as its layers of units with an edge per weight: thickness
// is |w|, colour its sign (orange positive, blue negative); hovering an edge shows its value.
import { svg as el } from './site.js';

/** Builds the drawing for `widths` with `features` names; returns `update(weights)`. */
export function build(svg, widths, features) {
  svg.replaceChildren();
  const W = 640;
  const tallest = Math.min(Math.max(...widths), 16);
  const H = Math.max(220, tallest * 36 + 40);
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const x = (l) => 40 + (l * (W - 80)) / (widths.length - 1);
  const shown = (n) => Math.min(n, 16);
  const y = (l, i) => H / 2 + (i - (shown(widths[l]) - 1) / 2) * 36;
  const edges = [];
  const gEdges = el('g', {});
  const gUnits = el('g', {});
  svg.append(gEdges, gUnits);
  for (let l = 1; l < widths.length; l++) {
    const layer = [];
    for (let j = 0; j < shown(widths[l]); j++) {
      const row = [];
      for (let i = 0; i < shown(widths[l - 1]); i++) {
        const line = el('line', { x1: x(l - 1), y1: y(l - 1, i), x2: x(l), y2: y(l, j) });
        const title = el('title', {});
        line.append(title);
        gEdges.append(line);
        row.push([line, title]);
      }
      layer.push(row);
    }
    edges.push(layer);
  }
  widths.forEach((n, l) => {
    for (let i = 0; i < shown(n); i++) {
      gUnits.append(el('circle', { cx: x(l), cy: y(l, i), r: 11, fill: '#fff', stroke: '#111827', 'stroke-width': 2 }));
    }
    if (n > 16) gUnits.append(el('text', { x: x(l), y: H - 4, 'text-anchor': 'middle', 'font-size': 14 }, `16 of ${n}`));
  });
  if (features.length <= 16) {
    features.forEach((name, i) => gUnits.append(el('text', { x: x(0) - 16, y: y(0, i) + 5, 'text-anchor': 'end', 'font-size': 14 }, name)));
  }
  return (weights) => {
    weights.forEach((layer, l) => {
      edges[l].forEach((row, j) => row.forEach(([line, title], i) => {
        const w = layer.weight[j][i];
        line.setAttribute('stroke', w >= 0 ? '#f59322' : '#0877bd');
        line.setAttribute('stroke-width', Math.min(0.5 + 2.5 * Math.abs(w), 9).toFixed(2));
        line.setAttribute('stroke-opacity', '0.85');
        title.textContent = `w[${l + 1}][${j + 1}][${i + 1}] = ${w.toPrecision(4)}`;
      }));
    });
  };
}
