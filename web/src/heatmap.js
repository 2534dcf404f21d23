// The decision boundary: the network's probability of the blue class over the plane as a
// colour map, with the training points (filled) and the test points (ringed) on top.

/** Orange (0) through white (0.5) to blue (1). */
function colour(p) {
  const orange = [245, 147, 34];
  const blue = [8, 119, 189];
  const white = [245, 245, 245];
  const [a, b, t] = p < 0.5 ? [orange, white, p / 0.5] : [white, blue, (p - 0.5) / 0.5];
  return a.map((v, i) => Math.round(v + (b[i] - v) * t));
}

/**
 * Draws `probabilities` (resolution², row by row from the top) over [−view, view]² into
 * `canvas`, with `train` and `test` points ([x, y, label]).
 */
export function draw(canvas, probabilities, resolution, view, train, test) {
  const size = canvas.width;
  const cx = canvas.getContext('2d');
  const image = cx.createImageData(resolution, resolution);
  for (let i = 0; i < probabilities.length; i++) {
    const [r, g, b] = colour(probabilities[i]);
    image.data.set([r, g, b, 200], 4 * i);
  }
  const off = new OffscreenCanvas(resolution, resolution);
  off.getContext('2d').putImageData(image, 0, 0);
  cx.imageSmoothingEnabled = true;
  cx.clearRect(0, 0, size, size);
  cx.drawImage(off, 0, 0, size, size);
  const px = (v) => ((v + view) / (2 * view)) * size;
  const py = (v) => ((view - v) / (2 * view)) * size;
  const dot = size / 110;
  for (const [points, ring] of [[train, false], [test, true]]) {
    for (const [x, y, label] of points) {
      cx.beginPath();
      cx.arc(px(x), py(y), dot, 0, 2 * Math.PI);
      cx.fillStyle = label ? '#0877bd' : '#f59322';
      cx.fill();
      cx.lineWidth = ring ? dot * 0.45 : dot * 0.35;
      cx.strokeStyle = ring ? '#111827' : '#ffffff';
      cx.stroke();
    }
  }
}
