// Browser tests of nabla's site: serves web/dist/ on a loopback port, drives headless Chromium
// through every page the way a person does (load, type, click, read), checks that
// window.nabla returns exactly the JSON of the native `nabla` binary ($NABLA_BIN), and writes a
// screenshot per page to web/screenshots/. Exit status 1 on any failure.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const web = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(web);
const dist = join(web, 'dist');
const shots = join(web, 'screenshots');
const nablaBin = process.env.NABLA_BIN ?? join(root, 'target', 'debug', 'nabla');
const fixture = (p) => join(root, 'crates', 'cli', 'tests', 'fixtures', p);
const REFERENCE = fixture('backprop/specs/reference.json');
const STUDENT_CLAIMS = join(root, 'docs', 'examples', 'student-backprop-claims.json');
const stats = (p) => join(root, 'crates', 'stats', 'tests', 'fixtures', 'data', p);
/** MISSION.md topic 2's reference problem, as the stats oracles have it. */
const TEXTBOOK = stats('textbook.csv');

/** The CLI's one-line error for ARGS (exit status 2), without its `nabla: ` prefix. */
function cliMessage(...args) {
  const r = spawnSync(nablaBin, args, { encoding: 'utf8' });
  assert.equal(r.status, 2, `nabla ${args.join(' ')} should fail`);
  const line = r.stderr.trim();
  assert.ok(!line.includes('\n') && line.startsWith('nabla: '), line);
  return line.slice('nabla: '.length);
}

/** `nabla ARGS --format json`, parsed; exit status 0 or 1 (a graded solution) is success. */
function cli(...args) {
  const r = spawnSync(nablaBin, [...args, '--format', 'json'], { encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1, `nabla ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** The CLI's one-line error for ARGS (exit status 2), without `error: ` and the file name. */
function cliError(file, ...args) {
  const r = spawnSync(nablaBin, args, { encoding: 'utf8' });
  assert.equal(r.status, 2, `nabla ${args.join(' ')} should fail`);
  const line = r.stderr.trim();
  assert.ok(!line.includes('\n'), line);
  const at = line.indexOf(`${file}: `);
  assert.ok(at >= 0, `${line} should name ${file}`);
  return line.slice(at + file.length + 2);
}

/** The largest relative difference between the numbers of `a` and `b`, which must otherwise be equal. */
function maxRelDiff(a, b, path = '') {
  if (typeof a === 'number' && typeof b === 'number') {
    return a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
  }
  assert.equal(typeof a, typeof b, `${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  if (a === null || typeof a !== 'object') {
    assert.equal(a, b, path);
    return 0;
  }
  assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), `${path}: keys`);
  return Math.max(0, ...Object.keys(a).map((k) => maxRelDiff(a[k], b[k], `${path}.${k}`)));
}

/** The distance of two doubles in units in the last place (0 when equal). */
function ulps(a, b) {
  if (a === b) return 0;
  if (Math.sign(a) !== Math.sign(b)) return Infinity;
  const bits = new BigInt64Array(new Float64Array([Math.abs(a), Math.abs(b)]).buffer);
  return Number(bits[0] > bits[1] ? bits[0] - bits[1] : bits[1] - bits[0]);
}

/**
 * Asserts that `a` and `b` are the same JSON document, every number bit for bit but where
 * wasm32's libm and glibc round a last bit apart: those must pass `close(a, b)`. Returns how
 * many numbers were compared and how many were not bit-identical, with the largest ulp distance
 * and relative difference.
 */
function sameDocument(a, b, close, path = '', tally = { numbers: 0, off: 0, worst: 0, rel: 0 }) {
  if (typeof a === 'number' && typeof b === 'number') {
    const d = ulps(a, b);
    tally.numbers += 1;
    if (d > 0) {
      tally.off += 1;
      tally.worst = Math.max(tally.worst, d);
      const big = Math.max(Math.abs(a), Math.abs(b));
      if (big > 1e-12 && Math.abs(a - b) / big > tally.rel) {
        tally.rel = Math.abs(a - b) / big;
        tally.at = path;
      }
    }
    assert.ok(d === 0 || close(a, b), `${path}: ${a} vs ${b} (${d} ulps apart)`);
    return tally;
  }
  assert.equal(typeof a, typeof b, `${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  if (a === null || typeof a !== 'object') {
    assert.equal(a, b, path);
    return tally;
  }
  assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), `${path}: keys`);
  for (const k of Object.keys(a)) sameDocument(a[k], b[k], close, `${path}.${k}`, tally);
  return tally;
}

/** `doc` without its wall-clock fields (`seconds`, at any depth). */
/** A train document without its clock readings and the CLI's `config` (the page has no flags to resolve). */
function withoutSeconds(doc) {
  return JSON.parse(JSON.stringify(doc, (k, v) => (k === 'seconds' || k === 'config' ? undefined : v)));
}

/** wasm32's libm may round an activation's value one last bit from glibc's. */
const ONE_ULP = (a, b) => ulps(a, b) <= 1;
/**
 * The atlas sums 24,001 such values (the normal moments; tanh's mean is 0 but for rounding, so
 * an absolute floor) and bisects on them: 1e-12 relative, or 1e-15 absolute.
 */
const ATLAS_CLOSE = (a, b) => Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b)) || Math.abs(a - b) <= 1e-15;

/**
 * A regression's numbers: native faer's vectorised QR and eigenvalue kernels (AVX-512 here) and
 * wasm32's round differently in the last bits (measured on the five documents below: 200 of
 * 446 numbers with simd128, at most 6.9e-14 relative; 255 and 2.2e-13, in a residual of 0.03
 * that is the difference of two numbers near 51.5, with the scalar build): 1e-12 relative, or
 * 1e-14 absolute for such residuals.
 */
const REGRESS_CLOSE = (a, b) => Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b)) || Math.abs(a - b) <= 1e-14;

const BENCH_WORKLOADS = ['tiny221', 'digits_epoch', 'gemm_128x512x784'];

/**
 * The browser benchmark (NABLA_BENCH=1, web/bench.sh): `nabla bench --threads 1` natively
 * ($NABLA_BENCH_BIN, a release build), then nabla.bench in this page, then native again, each 5
 * repetitions of at least 1 s; prints each workload's medians and the browser's fraction of
 * native speed (against the faster native run).
 */
async function benchmark(page) {
  const bin = process.env.NABLA_BENCH_BIN ?? join(root, 'target', 'release', 'nabla');
  const args = ['bench', '--threads', '1', '--workload', BENCH_WORKLOADS.join(','), '--repeats', '5', '--seconds', '1', '--format', 'json'];
  const native = () => JSON.parse(execFileSync(bin, args, { encoding: 'utf8' })).workloads;
  const before = native();
  const browser = (await page.evaluate((w) => window.nabla.bench({ workload: w, repeats: 5, seconds: 1 }), BENCH_WORKLOADS)).workloads;
  const after = native();
  const ua = await page.evaluate(() => navigator.userAgent);
  console.log(`     benchmark: ${ua.match(/Chrome\/[\d.]+/)?.[0] ?? ua} vs ${bin}, one thread each`);
  console.log('     workload            native median (2 runs)        browser median   browser/native speed');
  for (const [i, w] of browser.entries()) {
    const [a, b] = [before[i].unit_seconds.median, after[i].unit_seconds.median];
    const best = Math.min(a, b);
    const gflops = (s) => (w.workload.startsWith('gemm_') ? ` (${(w.rows_per_unit / s / 1e9).toFixed(2)} GFLOP/s)` : '');
    console.log(`     ${w.workload.padEnd(18)} ${(a * 1e6).toFixed(2)} / ${(b * 1e6).toFixed(2)} µs${gflops(best)}`.padEnd(62)
      + `${(w.unit_seconds.median * 1e6).toFixed(2)} µs${gflops(w.unit_seconds.median)}`.padEnd(34)
      + `${(100 * best / w.unit_seconds.median).toFixed(1)} %`);
  }
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png' };

/** A static file server for web/dist/ on 127.0.0.1 and a free port. */
async function serve() {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^([/\\])+/, '');
    const file = join(dist, path === '' ? 'index.html' : path);
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return server;
}

/** The screenshots' sizes: a projector's 1280×800, and a narrow window (one column). */
const WIDE = { width: 1280, height: 800 };
const NARROW = { width: 760, height: 900 };

const server = await serve();
const base = `http://127.0.0.1:${server.address().port}/`;
const profile = mkdtempSync(join(tmpdir(), 'nabla-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  viewport: WIDE,
});
mkdirSync(shots, { recursive: true });

/** Opens `name`, waits until its script has rendered, and returns the page and its problems. */
async function open(name) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  page.on('request', (r) => { if (!r.url().startsWith(base)) problems.push(`outside request: ${r.url()}`); });
  await page.goto(base + name);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  const api = await page.evaluate(async () => {
    const n = await window.nablaReady;
    return n === window.nabla && typeof window.nabla.backprop === 'function';
  });
  assert.ok(api, `${name}: window.nabla and window.nablaReady`);
  return { page, problems };
}

/** The page is no wider than the window: nothing clipped or scrolled sideways. */
async function fitsWidth(page, name, size) {
  const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= inner, `${name} at ${size.width}×${size.height}: ${scroll} px wide in a ${inner} px window`);
}

/**
 * Screenshots at 1280×800 (NAME.png) and in a narrow window (NAME-narrow.png), each checked for
 * sideways overflow, and the no-problems check, at the end of a page's test.
 */
async function finish(name, { page, problems }) {
  await fitsWidth(page, name, WIDE);
  await page.screenshot({ path: join(shots, name.replace('.html', '.png')), fullPage: true });
  await page.setViewportSize(NARROW);
  await page.waitForTimeout(400);
  await fitsWidth(page, name, NARROW);
  await page.screenshot({ path: join(shots, name.replace('.html', '-narrow.png')), fullPage: true });
  assert.deepEqual(problems, [], `${name}: console errors, failed or outside requests`);
  await page.close();
}

const tests = {
  async 'index.html'(p) {
    const links = await p.page.$$eval('#pages a', (as) => as.map((a) => a.getAttribute('href')));
    for (const page of Object.keys(tests).filter((n) => n !== 'index.html')) assert.ok(links.includes(page), `index links: ${links}`);
  },

  async 'backprop.html'({ page }) {
    const spec = readFileSync(REFERENCE, 'utf8');
    const claims = readFileSync(STUDENT_CLAIMS, 'utf8');
    // The API: the same JSON as the CLI, number for number.
    const web = await page.evaluate((s) => window.nabla.backprop(JSON.parse(s)), spec);
    assert.deepEqual(web, cli('backprop', '--spec', REFERENCE));
    const graded = await page.evaluate(([s, c]) => window.nabla.backprop(s, { claims: c }), [spec, claims]);
    assert.deepEqual(graded, cli('backprop', '--spec', REFERENCE, '--claims', STUDENT_CLAIMS));
    assert.ok(graded.claims_summary.carried > 0 && graded.claims_summary.wrong > 0);
    // Bad input rejects with the CLI's message.
    const bad = join(mkdtempSync(join(tmpdir(), 'nabla-bad-')), 'bad.json');
    const badSpec = spec.replace('"sigmoid"', '"sigmoidal"');
    execFileSync('sh', ['-c', 'cat > "$1"', 'sh', bad], { input: badSpec });
    const message = cliError(bad, 'backprop', '--spec', bad);
    const rejected = await page.evaluate((s) => window.nabla.backprop(s).then(() => null, (e) => e.message), badSpec);
    assert.equal(rejected, `spec: ${message}`);
    // The page: the worked solution shows the reference numbers and the chain-rule products.
    const worked = await page.textContent('#worked');
    assert.match(worked, /∂J\/∂w5/);
    assert.match(worked, /0\.924142/);
    // Claims typed into the page are marked as the CLI marks them.
    await page.fill('#claims', claims);
    await page.click('#mark');
    await page.waitForSelector('#marks-table');
    const marks = await page.$$eval('#marks-table tbody tr', (rows) =>
      rows.map((r) => [r.dataset.name, r.querySelector('.verdict').className.split(' ')[1]]));
    assert.deepEqual(marks, graded.claims.map((c) => [c.name, c.verdict]));
    // A typing mistake in the spec shows the error, and fixing it clears it.
    await page.fill('#spec', spec.replace('"bce"', '"bcee"'));
    await page.waitForFunction(() => document.getElementById('spec-error').textContent !== '');
    await page.click('#reset');
    await page.waitForFunction(() => document.getElementById('spec-error').textContent === '');
    await page.hover('#worked .math div >> text=/∂J\\/∂w5 =/');
  },

  async 'playground.html'({ page }) {
    // The API: a session on the same loop as `nabla train` lowers the loss; lr changes keep the weights.
    const api = await page.evaluate(async () => {
      const s = await window.nabla.session({ data: 'circle', hidden: [8, 8], activation: 'tanh', lr: 0.03, batch: 10, seed: 2 });
      const first = s.state();
      s.step(300);
      const before = s.state();
      s.set({ lr: 0.003 });
      const after = s.state();
      s.step(300);
      const last = s.state();
      const bad = await window.nabla.session({ data: 'circle', dropout: 1.5 }).then(() => null, (e) => e.message);
      return { first: first.train.loss, last: last.train.loss, kept: JSON.stringify(before.weights) === JSON.stringify(after.weights), lr: after.lr, losses: last.losses.length, bad };
    });
    assert.ok(api.last < 0.8 * api.first, `session loss ${api.first} → ${api.last}`);
    assert.ok(api.kept && Math.abs(api.lr - 0.003) < 1e-9 && api.losses === 3, JSON.stringify(api));
    assert.equal(api.bad, '--dropout: 1.5 is not in [0, 1)');
    // nabla.train: the CLI's run, field for field (the clock aside; f32 sums may differ in the last bits).
    const trainOptions = { data: 'iris', hidden: [8], epochs: 5, lr: 0.01, seed: 3, batch: 16 };
    const webTrain = await page.evaluate((o) => window.nabla.train(o), trainOptions);
    const cliTrain = cli('train', '--data', 'iris', '--hidden', '8', '--epochs', '5', '--lr', '0.01', '--seed', '3', '--batch', '16', '--quiet');
    const trainDiff = maxRelDiff(withoutSeconds(webTrain), withoutSeconds(cliTrain));
    console.log(`     nabla.train vs nabla train (iris, 5 epochs): largest relative difference ${trainDiff}`);
    assert.ok(trainDiff <= 1e-5, `nabla.train differs from the CLI by ${trainDiff}`);
    // The page: press play, let it train, pause; the loss shown has fallen and the state is in the hash.
    const shown = async () => Number(await page.textContent('#train-loss'));
    const start = await shown();
    await page.click('#play');
    await page.waitForFunction(() => Number(document.getElementById('steps').textContent) >= 600, null, { timeout: 60000 });
    await page.waitForTimeout(1500);
    const fps = await page.evaluate(() => Number(document.body.dataset.fps));
    await page.click('#play');
    const end = await shown();
    assert.ok(end < 0.7 * start, `page loss ${start} → ${end}`);
    console.log(`     playground: 2-8-8-1 on 500 points at ${fps} frames/s, 5 steps per frame; loss ${start} → ${end}`);
    const hash = await page.evaluate(() => location.hash);
    assert.match(hash, /data=circle/);
    assert.match(hash, /hidden=8%2C8/);
    // A shared link reproduces the setup: a new page with this hash builds the same network.
    const other = await context.newPage();
    await other.goto(base + 'playground.html#data=xor&hidden=3&lr=0.1&seed=7');
    await other.waitForSelector('body[data-ready="true"]');
    assert.equal(await other.$$eval('#widths .width-box strong', (s) => s.map((e) => e.textContent).join()), '3');
    assert.equal(await other.inputValue('#data'), 'xor');
    await other.close();
  },

  async 'activation.html'({ page }) {
    // The API: every function's values and derivatives (kinks included) are the CLI's.
    const at = [-3, -1.5, -0.5, 0, 0.5, 1, 3, 6];
    const given = { swish: { beta: 2.5 }, leaky_relu: { alpha: 0.2 }, elu: { alpha: 0.7 }, softplus: { beta: 3 } };
    const atlas = await page.evaluate(() => window.nabla.atlas());
    const names = [...atlas.activations.map((r) => r.name), 'silu'];
    const tally = { numbers: 0, off: 0, worst: 0 };
    for (const name of names) {
      for (const params of [{}, given[name]].filter(Boolean)) {
        const web = await page.evaluate(([n, xs, p]) => window.nabla.activation(n, xs, p), [name, at, params]);
        const flags = Object.entries(params).flatMap(([k, v]) => [`--${k}`, String(v)]);
        sameDocument(web, cli('activation', name, '--at', at.join(','), ...flags), ONE_ULP, name, tally);
      }
    }
    console.log(`     nabla.activation vs nabla activation: ${tally.numbers} numbers, ${tally.off} not bit-identical (at most ${tally.worst} ulps)`);
    // The atlas is the CLI's, less the kernel timings it measures (see docs/web.md).
    const untimed = (doc) => JSON.parse(JSON.stringify(doc, (k, v) =>
      (['timing', 'forward_ns_per_element', 'backward_ns_per_element', 'relative_cost'].includes(k) ? undefined : v)));
    const t = sameDocument(atlas, untimed(cli('activation', '--table')), ATLAS_CLOSE);
    const listed = await page.evaluate(() => window.nabla.atlas({ name: 'swish:2,leaky_relu,elu', alpha: 0.3 }));
    sameDocument(listed, untimed(cli('activation', 'swish:2,leaky_relu,elu', '--table', '--alpha', '0.3')), ATLAS_CLOSE, 'atlas', t);
    console.log(`     nabla.atlas vs nabla activation --table: ${t.numbers} numbers, ${t.off} not bit-identical (largest relative difference ${t.rel.toExponential(2)} among numbers above 1e-12)`);
    // Bad input rejects with the CLI's message.
    const reject = (n, xs, p) => page.evaluate(([a, b, c]) => window.nabla.activation(a, b, c).then(() => null, (e) => e.message), [n, xs, p]);
    assert.equal(await reject('sigmoidal', [0], {}), cliMessage('activation', 'sigmoidal', '--at', '0'));
    assert.equal(await reject('relu', [0], { alpha: 0.1 }), cliMessage('activation', 'relu', '--at', '0', '--alpha', '0.1'));
    assert.equal(await reject('relu', '1,x', {}), cliMessage('activation', 'relu', '--at', '1,x'));
    const badList = await page.evaluate(() => window.nabla.atlas({ name: 'relu:2' }).then(() => null, (e) => e.message));
    assert.equal(badList, cliMessage('activation', 'relu:2', '--table'));
    // The page: swish first, with its minimum; β = 0 makes it x/2 (monotonic).
    const renders = () => page.evaluate(() => Number(document.body.dataset.renders ?? 0));
    const rendered = (n) => page.waitForFunction((k) => Number(document.body.dataset.renders ?? 0) > k, n);
    assert.equal(await page.$$eval('#atlas-table tbody tr', (rs) => rs.length), atlas.activations.length);
    assert.equal(await page.$$eval('#grid canvas', (cs) => cs.length), atlas.activations.length);
    assert.match(await page.textContent('#props'), /Monotonicno: min -0\.2785 at -1\.2785/);
    let n = await renders();
    await page.fill('#beta', '0');
    await rendered(n);
    assert.match(await page.textContent('#props'), /Monotonicyes/);
    assert.match(await page.evaluate(() => location.hash), /beta=0/);
    assert.equal(await page.textContent('#values-table tbody tr:nth-child(1) td:nth-child(2)'), '-1');
    // A kink: PyTorch's derivative at 0 is 0 for relu and α for leaky ReLU.
    n = await renders();
    await page.selectOption('#fn', 'relu');
    await rendered(n);
    assert.match(await page.textContent('#props'), /PyTorch uses f′\(0\) = 0/);
    n = await renders();
    await page.selectOption('#fn', 'leaky_relu');
    await rendered(n);
    n = await renders();
    await page.fill('#alpha', '0.2');
    await rendered(n);
    assert.match(await page.textContent('#props'), /PyTorch uses f′\(0\) = 0\.2/);
    assert.equal(await page.textContent('#error'), '');
    // Back to the first view (Swish, β = 1) for the screenshot.
    n = await renders();
    await page.selectOption('#fn', 'swish');
    await rendered(n);
    n = await renders();
    await page.fill('#beta', '1');
    await rendered(n);
  },

  async 'regress.html'({ page }) {
    // The API: nabla.regress on CSV text is `nabla regress FILE.csv --format json` on the file.
    const csv = readFileSync(TEXTBOOK, 'utf8');
    const regress = (text, o) => page.evaluate(([t, opts]) => window.nabla.regress(t, opts), [text, o]);
    const web = await regress(csv, { file: TEXTBOOK, y: 'y', x: ['x'], alpha: 0.05 });
    const tally = sameDocument(web, cli('regress', TEXTBOOK, '--y', 'y', '--x', 'x', '--alpha', '0.05'), REGRESS_CLOSE);
    assert.equal(web.n, 10);
    assert.equal(web.durbin_watson.bounds.d_l.toFixed(3), '0.879');   // MISSION.md's table
    assert.equal(web.durbin_watson.bounds.d_u.toFixed(3), '1.320');
    // Other flags, several regressors, a claims file's text.
    const savings = stats('lifecyclesavings.csv');
    sameDocument(await regress(readFileSync(savings, 'utf8'), { file: savings, y: 'sr', alpha: 0.01, bgOrder: 2 }),
      cli('regress', savings, '--y', 'sr', '--alpha', '0.01', '--bg-order', '2', '--quiet'), REGRESS_CLOSE, 'savings', tally);
    sameDocument(await regress(csv, { file: TEXTBOOK, y: 'y', noIntercept: true, exactLimit: 5, method: 'normal' }),
      cli('regress', TEXTBOOK, '--y', 'y', '--no-intercept', '--exact-limit', '5', '--method', 'normal', '--quiet'), REGRESS_CLOSE, 'no intercept', tally);
    const claimsFile = join(mkdtempSync(join(tmpdir(), 'nabla-claims-')), 'claims.json');
    const claims = '{"slope": 0.854, "sse": 1.44, "sum_sq_diff": 3.5, "d": 2.43, "d_L": 0.879, "verdict": "inconclusive"}';
    execFileSync('sh', ['-c', 'cat > "$1"', 'sh', claimsFile], { input: claims });
    const graded = await regress(csv, { file: TEXTBOOK, y: 'y', claims });
    sameDocument(graded, cli('regress', TEXTBOOK, '--y', 'y', '--claims', claimsFile), REGRESS_CLOSE, 'graded', tally);
    assert.deepEqual(graded.claims.map((c) => c.verdict), ['correct', 'correct', 'wrong', 'carried', 'correct', 'wrong']);
    const tolerant = await regress(csv, { file: TEXTBOOK, y: 'y', claims, tolerance: 0.2 });
    sameDocument(tolerant, cli('regress', TEXTBOOK, '--y', 'y', '--claims', claimsFile, '--tolerance', '0.2'), REGRESS_CLOSE, 'tolerant', tally);
    console.log(`     nabla.regress vs nabla regress: ${tally.numbers} numbers, ${tally.off} not bit-identical (largest relative difference ${tally.rel.toExponential(2)} among numbers above 1e-12, at ${tally.at}; at most ${tally.worst} ulps)`);
    // Bad input rejects with the CLI's message.
    const reject = (text, o) => page.evaluate(([t, opts]) => window.nabla.regress(t, opts).then(() => null, (e) => e.message), [text, o]);
    assert.equal(await reject(csv, { file: TEXTBOOK, y: 'z' }), cliMessage('regress', TEXTBOOK, '--y', 'z'));
    assert.equal(await reject(csv, { file: TEXTBOOK, y: 'y', alpha: 1.5 }), cliMessage('regress', TEXTBOOK, '--y', 'y', '--alpha', '1.5'));
    assert.equal(await reject(csv, { file: TEXTBOOK, y: 'y', bgOrder: 9 }), cliMessage('regress', TEXTBOOK, '--y', 'y', '--bg-order', '9'));
    const broken = csv.replace('52.899999999999999', '52.9x');
    const brokenFile = join(dirname(claimsFile), 'broken.csv');
    execFileSync('sh', ['-c', 'cat > "$1"', 'sh', brokenFile], { input: broken });
    assert.equal(await reject(broken, { file: brokenFile, y: 'y' }), cliMessage('regress', brokenFile, '--y', 'y'));
    assert.match(await reject(csv, { y: 'y', claims: '{"slop": 1}' }), /^claims: .*slop/);
    // The page: the reference problem's summary, d, the bounds and the verdict.
    const fits = () => page.evaluate(() => Number(document.body.dataset.fits ?? 0));
    const refit = (n) => page.waitForFunction((k) => Number(document.body.dataset.fits ?? 0) > k, n);
    const reference = await regress(readFileSync(TEXTBOOK, 'utf8'), { y: 'y' });
    assert.equal(await page.textContent('#dw-d'), String(Number(reference.durbin_watson.statistic.toPrecision(5))));
    assert.equal(await page.textContent('#dw-verdict'), 'no autocorrelation');
    const { d_l: dl, d_u: du } = reference.durbin_watson.bounds;
    assert.ok((await page.textContent('#dw')).includes(`${dl.toFixed(4)}, ${du.toFixed(4)}`));
    assert.equal(await page.textContent('#coefficients tr[data-name="x"] td:nth-child(2)'), String(Number(reference.coefficients[1].estimate.toPrecision(6))));
    assert.equal(await page.textContent('#error'), '');
    // Claims typed into the page are marked as the CLI marks them.
    await page.fill('#claims', claims);
    await page.click('#mark');
    await page.waitForFunction(() => document.querySelectorAll('#marks-table tbody tr').length === 6);
    const marks = await page.$$eval('#marks-table tbody tr', (rows) =>
      rows.map((r) => [r.dataset.name, r.querySelector('.verdict').className.split(' ')[1]]));
    assert.deepEqual(marks, graded.claims.map((c) => [c.name, c.verdict]));
    // A file opened on the page: its name and columns; a bad cell shows the CLI's message.
    const cars = stats('cars.csv');
    let n = await fits();
    await page.setInputFiles('#upload', cars);
    await refit(n);
    const carsY = await page.inputValue('#y');
    const carsDoc = cli('regress', cars, '--y', carsY, '--quiet');
    const shownD = await page.textContent('#dw-d');
    assert.equal(shownD, String(Number(carsDoc.durbin_watson.statistic.toPrecision(5))));
    assert.match(await page.textContent('#summary'), /cars\.csv/);
    await page.fill('#csv', broken);
    await page.waitForFunction(() => document.getElementById('error').textContent !== '');
    assert.match(await page.textContent('#error'), /row 3 \(line 4\), column 'x': '52\.9x' is not a finite number/);
    // One residual degree of freedom: fitted, Breusch–Godfrey shown as not computable.
    n = await fits();
    await page.fill('#csv', 'x,y\n1,1\n2,3\n4,2\n');
    await refit(n);
    assert.equal(await page.textContent('#error'), '');
    assert.match(await page.textContent('#bg'), /not computable/);
    // Back to the reference problem, with the student's solution marked, for the screenshot.
    n = await fits();
    await page.click('#reset');
    await refit(n);
    assert.equal(await page.textContent('#error'), '');
    await page.click('#example');
    await page.waitForFunction(() => document.querySelectorAll('#marks-table tbody tr').length === 10);
  },

  async 'bench.html'({ page }) {
    // A short run shows every workload; no time is asserted (a benchmark, not a timed test).
    await page.fill('#seconds', '0.05');
    await page.fill('#repeats', '1');
    await page.click('#run');
    await page.waitForFunction(() => Number(document.body.dataset.runs ?? 0) > 0, null, { timeout: 120000 });
    assert.deepEqual(await page.$$eval('#results tbody tr td:first-child', (tds) => tds.map((td) => td.textContent)), BENCH_WORKLOADS);
    assert.equal(await page.textContent('#error'), '');
    const rejected = await page.evaluate(() => window.nabla.bench({ workload: 'tiny' }).then(() => null, (e) => e.message));
    assert.equal(rejected, cliMessage('bench', '--workload', 'tiny'));
    if (process.env.NABLA_BENCH) await benchmark(page);
  },

  async 'optimize.html'({ page }) {
    // The API: the same race as the CLI.
    const options = { function: 'rosenbrock', optimizer: 'sgd,adam', start: [-1.5, 2], steps: 50, lr: [0.001, 0.05] };
    const web = await page.evaluate((o) => window.nabla.optimize(o), options);
    assert.deepEqual(web, cli('optimize', '--function', 'rosenbrock', '--optimizer', 'sgd,adam',
      '--start', '-1.5,2', '--steps', '50', '--lr', '0.001,0.05'));
    const expr = await page.evaluate(() => window.nabla.optimize({ expr: 'x^2 + 3*y^2 - x*y', optimizer: ['nesterov'], start: [2, -1], steps: 20, momentum: 0.8 }));
    assert.deepEqual(expr, cli('optimize', '--expr', 'x^2 + 3*y^2 - x*y', '--optimizer', 'nesterov',
      '--start', '2,-1', '--steps', '20', '--momentum', '0.8'));
    const rejected = await page.evaluate(() => window.nabla.optimize({ function: 'beale', optimizer: 'sgd', start: [1, 1], steps: 3, momentum: 0.9 })
      .then(() => null, (e) => e.message));
    assert.equal(rejected, cliMessage('optimize', '--function', 'beale', '--optimizer', 'sgd', '--start', '1,1', '--steps', '3', '--momentum', '0.9'));
    // The page: the first race is drawn; a checkbox and the function menu recompute it.
    const races = () => page.evaluate(() => Number(document.body.dataset.races ?? 0));
    const after = async (n) => page.waitForFunction((k) => Number(document.body.dataset.races ?? 0) > k, n);
    await after(0);
    const rows = await page.$$eval('#results tbody tr', (trs) => trs.map((tr) => tr.cells[0].textContent));
    assert.deepEqual(rows, ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam']);
    let n = await races();
    await page.check('#on-radam');
    await after(n);
    assert.equal((await page.$$('#results tbody tr')).length, 6);
    n = await races();
    await page.selectOption('#function', 'himmelblau');
    await after(n);
    n = await races();
    await page.selectOption('#function', 'rosenbrock');
    await after(n);
    assert.equal(await page.textContent('#error'), '');
  },
};

// NABLA_PAGES=a.html,b.html runs only those pages' tests.
const only = process.env.NABLA_PAGES?.split(',');
const chosen = Object.entries(tests).filter(([n]) => !only || only.includes(n));
let failed = 0;
for (const [name, test] of chosen) {
  try {
    const p = await open(name);
    await test(p);
    await finish(name, p);
    console.log(`ok   ${name}`);
  } catch (e) {
    failed += 1;
    console.log(`FAIL ${name}: ${e.stack ?? e}`);
  }
}
await context.close();
server.close();
rmSync(profile, { recursive: true, force: true });
console.log(failed ? `${failed} page(s) failed` : `all ${chosen.length} pages passed`);
process.exit(failed ? 1 : 0);
