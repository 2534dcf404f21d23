// window.nabla: nabla's JavaScript API, on every page of the site. Each function calls the
// WebAssembly build of nabla's own crates (crates/web) and returns the same JSON document as
// the matching `nabla` command, parsed into plain objects; bad input rejects the promise with
// the CLI's one-line message. `await window.nablaReady` before the first call.
import init, * as wasm from './nabla_web.js';

/** A spec or claims given as an object or as its text. */
function text(value) {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Runs `f`; a Rust error (or a JSON one) becomes an Error with its one-line message. */
function run(f) {
  try {
    return f();
  } catch (e) {
    throw new Error(e && e.message ? e.message : String(e));
  }
}

/** Runs one export once the module is ready, parsing its JSON. */
async function call(ready, f, ...args) {
  await ready;
  return run(() => JSON.parse(f(...args)));
}

const ready = init({ module_or_path: new URL('nabla_web_bg.wasm', import.meta.url) });

const nabla = {
  /**
   * `nabla backprop --spec SPEC --format json`, with `{claims}` (the claims file's text, or an
   * object) and `{tolerance}` as `--claims` and `--tolerance`.
   */
  backprop(spec, options = {}) {
    const claims = options.claims === undefined ? undefined : text(options.claims);
    return call(ready, wasm.backprop, text(spec), claims, options.tolerance);
  },
  /** The worked solution the CLI prints, as blocks ({title}, {math: [lines]}, {table}, …). */
  backpropWorked(spec, options = {}) {
    return call(ready, wasm.backpropWorked, text(spec), options.digits ?? 6);
  },
  /**
   * `nabla activation NAME --at XS --format json`: `xs` an array of points (or "-2,0,2"),
   * `params` `{alpha, beta}` as `--alpha` and `--beta`.
   */
  activation(name, xs, params = {}) {
    return call(ready, wasm.activation, String(name), xs === undefined ? '' : JSON.stringify(xs), text(params));
  },
  /**
   * `nabla activation [NAME] --table --format json` without the CLI's kernel timings:
   * `{name: "swish:2,relu", alpha, beta}` (every function when `name` is absent).
   */
  atlas(options = {}) {
    return call(ready, wasm.atlas, text(options));
  },
  /** The paragraph `nabla activation` prints on each function: `{relu: "…", …}`. */
  activationNotes() {
    return call(ready, wasm.activationNotes);
  },
  /**
   * `nabla bench … --format json` run in this page (one thread): `{workload:
   * "tiny221,digits_epoch,gemm_128x512x784", repeats, seconds, dtype}`. It blocks the page while
   * it runs.
   */
  bench(options = {}) {
    return call(ready, wasm.bench, text(options));
  },
  /** `nabla optimize … --format json`, options as its flags in camelCase (and `runs`). */
  optimize(options) {
    return call(ready, wasm.optimize, text(options));
  },
  /** The contour map `optimize(options)`'s race is drawn on: {view, shift, levels}. */
  optimizeContours(options) {
    return call(ready, wasm.optimizeContours, text(options));
  },
  /**
   * `nabla regress FILE.csv --format json` on the CSV text: options are its flags in camelCase
   * (`{y: "y", x: ["x"], alpha: 0.05, noIntercept, method, bgOrder, exactLimit}`), `claims`
   * (the claims file's text, or an object) and `tolerance` as `--claims` and `--tolerance`, and
   * `file`, the CSV's name in messages and in the document (default "data.csv").
   */
  regress(csvText, options = {}) {
    const o = { ...options };
    if (o.claims !== undefined && o.claims !== null) o.claims = text(o.claims);
    return call(ready, wasm.regress, String(csvText), JSON.stringify(o));
  },
  /** `nabla train … --format json`: a whole run (options: its flags in camelCase). */
  train(options = {}) {
    return call(ready, wasm.train, text(options));
  },
  /**
   * A network in training (`nabla train`'s options in camelCase, plus `points` and `noise` for
   * the 2-D sets): `step(n)` runs n mini-batches and returns the new state, `state()` adds every
   * recorded loss, `set({lr, batch})` changes them without starting over; `data()` gives the
   * points, `boundary(resolution)` the blue class's probability on a grid (a Float32Array).
   */
  async session(options = {}) {
    await ready;
    const s = run(() => new wasm.Session(text(options)));
    return {
      step: (n = 1) => run(() => JSON.parse(s.step(n))),
      state: () => JSON.parse(s.state()),
      set: (changes) => run(() => s.set(text(changes))),
      data: () => JSON.parse(s.data()),
      boundary: (resolution) => run(() => s.boundary(resolution)),
      free: () => s.free(),
    };
  },
};

window.nabla = nabla;
window.nablaReady = ready.then(() => nabla);
export default nabla;
export { ready };
