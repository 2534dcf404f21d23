// Canvas drawing shared by the pages: a canvas sized for the screen's pixel density, linear
// maps from data to pixels, axes with ticks, and a line chart of series against steps.

/** Colours of series, distinguishable when projected. */
export const COLOURS = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];

/** Sizes `canvas` for its CSS box at the device's pixel ratio; returns its 2-D context in CSS pixels. */
export function context(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const { width, height } = canvas.getBoundingClientRect();
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const cx = canvas.getContext('2d');
  cx.setTransform(ratio, 0, 0, ratio, 0, 0);
  cx.clearRect(0, 0, width, height);
  return { cx, width, height };
}

/** A linear map from [d0, d1] to [p0, p1]. */
export function scale(d0, d1, p0, p1) {
  const k = (p1 - p0) / (d1 - d0 || 1);
  return (v) => p0 + (v - d0) * k;
}

/** About `n` round tick values across [lo, hi]. */
export function ticks(lo, hi, n = 5) {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** A number short enough for a label. */
export function label(v) {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-2) return v.toExponential(0).replace('e+', 'e');
  return Number(v.toPrecision(3)).toString();
}

/** Labels for `values` (ascending ticks): `label`'s, with more digits until neighbours differ. */
export function tickLabels(values) {
  let out = values.map(label);
  for (let digits = 4; digits <= 12 && new Set(out).size < out.length; digits += 1) {
    out = values.map((v) => (v === 0 ? '0' : String(Number(v.toPrecision(digits)))));
  }
  return out;
}

/**
 * Draws the frame, ticks and labels of a plot area; `y` may be logarithmic (values are log10);
 * `yTicks`: about how many ticks on a linear y axis.
 */
export function axes(cx, box, xs, ys, { xTitle = '', yTitle = '', logY = false, yTicks = 5 } = {}) {
  cx.save();
  cx.strokeStyle = '#111827';
  cx.lineWidth = 1.5;
  cx.strokeRect(box.left, box.top, box.right - box.left, box.bottom - box.top);
  cx.fillStyle = '#111827';
  cx.font = '14px "DejaVu Sans", sans-serif';
  cx.textAlign = 'center';
  cx.textBaseline = 'top';
  const xt = ticks(xs.lo, xs.hi);
  const xl = tickLabels(xt);
  xt.forEach((t, i) => {
    const x = xs.map(t);
    cx.beginPath(); cx.moveTo(x, box.bottom); cx.lineTo(x, box.bottom + 5); cx.stroke();
    cx.fillText(xl[i], x, box.bottom + 7);
  });
  cx.textAlign = 'right';
  cx.textBaseline = 'middle';
  const yt = logY ? ticks(Math.floor(ys.lo), Math.ceil(ys.hi)).filter((t) => Number.isInteger(t) && t >= ys.lo - 1e-9 && t <= ys.hi + 1e-9) : ticks(ys.lo, ys.hi, yTicks);
  const yl = logY ? yt.map((t) => `1e${t}`) : tickLabels(yt);
  yt.forEach((t, i) => {
    const y = ys.map(t);
    cx.beginPath(); cx.moveTo(box.left - 5, y); cx.lineTo(box.left, y); cx.stroke();
    cx.fillText(yl[i], box.left - 8, y);
  });
  // The y title goes clear of the widest tick label, within the canvas.
  const widest = Math.max(0, ...yl.map((t) => cx.measureText(t).width));
  cx.font = '15px "DejaVu Sans", sans-serif';
  cx.textAlign = 'center';
  cx.textBaseline = 'bottom';
  cx.fillText(xTitle, (box.left + box.right) / 2, box.bottom + 44);
  cx.save();
  cx.translate(Math.max(2, Math.min(box.left - 58, box.left - 8 - widest - 24)), (box.top + box.bottom) / 2);
  cx.rotate(-Math.PI / 2);
  cx.textBaseline = 'top';
  cx.fillText(yTitle, 0, 0);
  cx.restore();
  cx.restore();
}

/**
 * A line chart of `series` ([{name, colour, points: [[x, y], ..]}]) on `canvas`, with a log y
 * axis when every y is positive and `log` is set.
 */
export function lineChart(canvas, series, { xTitle = 'step', yTitle = '', log = true } = {}) {
  const { cx, width, height } = context(canvas);
  const box = { left: 80, right: width - 16, top: 14, bottom: height - 56 };
  const all = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y));
  if (all.length === 0) return;
  const logY = log && all.every(([, y]) => y > 0);
  const fy = logY ? Math.log10 : (v) => v;
  let [ylo, yhi] = [Math.min(...all.map(([, y]) => fy(y))), Math.max(...all.map(([, y]) => fy(y)))];
  if (ylo === yhi) { ylo -= 1; yhi += 1; }
  const [xlo, xhi] = [Math.min(...all.map(([x]) => x)), Math.max(...all.map(([x]) => x))];
  const xs = { lo: xlo, hi: xhi, map: scale(xlo, xhi, box.left, box.right) };
  const ys = { lo: ylo, hi: yhi, map: scale(ylo, yhi, box.bottom, box.top) };
  axes(cx, box, xs, ys, { xTitle, yTitle, logY });
  cx.save();
  cx.beginPath(); cx.rect(box.left, box.top, box.right - box.left, box.bottom - box.top); cx.clip();
  for (const s of series) {
    cx.strokeStyle = s.colour;
    cx.lineWidth = 2.5;
    cx.setLineDash(s.dash ?? []);
    cx.beginPath();
    let pen = false;
    for (const [x, y] of s.points) {
      if (!Number.isFinite(y)) { pen = false; continue; }
      const px = xs.map(x);
      const py = ys.map(fy(y));
      if (pen) cx.lineTo(px, py); else cx.moveTo(px, py);
      pen = true;
    }
    cx.stroke();
  }
  cx.restore();
}
