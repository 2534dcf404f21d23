// The Playground's whole setup as one object, described by a property table and kept in the
// URL hash (as TensorFlow Playground does), so that a shared link reproduces the exact run.

/** name → [type, default]; `list` is comma-separated numbers. */
export const PROPERTIES = {
  data: ['string', 'circle'],
  points: ['number', 500],
  noise: ['number', 0],
  testFraction: ['number', 0.25],
  hidden: ['list', [8, 8]],
  activation: ['string', 'tanh'],
  beta: ['number', 1],
  dropout: ['number', 0],
  optimizer: ['string', 'adam'],
  lr: ['number', 0.03],
  batch: ['number', 10],
  seed: ['number', 0],
  stepsPerFrame: ['number', 5],
};

/** The defaults. */
export function defaults() {
  return Object.fromEntries(Object.entries(PROPERTIES).map(([k, [, v]]) => [k, structuredClone(v)]));
}

/** The state in `hash` (`#data=xor&hidden=4,4&…`), over the defaults; unknown keys are ignored. */
export function parse(hash) {
  const state = defaults();
  for (const pair of hash.replace(/^#/, '').split('&')) {
    const [k, raw] = pair.split('=');
    if (!(k in PROPERTIES) || raw === undefined) continue;
    const v = decodeURIComponent(raw);
    const type = PROPERTIES[k][0];
    if (type === 'number' && Number.isFinite(Number(v))) state[k] = Number(v);
    else if (type === 'list') state[k] = v === '' ? [] : v.split(',').map(Number).filter((w) => Number.isInteger(w) && w > 0);
    else if (type === 'string') state[k] = v;
  }
  return state;
}

/** The hash for `state`. */
export function serialize(state) {
  return '#' + Object.keys(PROPERTIES).map((k) => {
    const v = state[k];
    return `${k}=${encodeURIComponent(Array.isArray(v) ? v.join(',') : String(v))}`;
  }).join('&');
}

/** The options of `nabla.session` for `state`. */
export function sessionOptions(state) {
  const o = {
    data: state.data, testFraction: state.testFraction, hidden: state.hidden,
    activation: state.activation, dropout: state.dropout, optimizer: state.optimizer,
    lr: state.lr, batch: state.batch, seed: state.seed,
  };
  if (state.activation === 'swish') o.beta = state.beta;
  if (['circle', 'xor', 'gaussians', 'spiral'].includes(state.data)) {
    o.points = state.points;
    o.noise = state.noise;
  }
  return o;
}
