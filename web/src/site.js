// The parts every page shares: the header with the site's pages, and small DOM helpers.
import './nabla.js';

/** The site's pages, in the order the header lists them. */
export const PAGES = [
  { href: 'index.html', title: 'Home' },
  {
    href: 'playground.html',
    title: 'Playground',
    blurb: 'A network trains live on 2-D data or a tabular set: the decision boundary, the weights and the loss curves move as it learns.',
  },
  {
    href: 'backprop.html',
    title: 'Backprop, worked',
    blurb: 'A network worked by hand: forward values, every gradient as its chain-rule product, the update; paste a solution to have it marked.',
  },
  {
    href: 'optimize.html',
    title: 'Optimizer race',
    blurb: 'Gradient descent, momentum, Nesterov, RMSprop, Adam and more raced on a contour map, with the loss against the step.',
  },
  {
    href: 'activation.html',
    title: 'Activation atlas',
    blurb: 'Every activation and its derivative, parameters as sliders, PyTorch\'s derivative at each kink, and the properties measured.',
  },
  {
    href: 'regress.html',
    title: 'Regression + Durbin–Watson',
    short: 'Regression',
    blurb: 'Least squares on your CSV with its summary, the residual and lag plots, the Durbin–Watson d with exact p-values, d_L, d_U and the verdict; paste a solution to have it marked.',
  },
  {
    href: 'bench.html',
    title: 'Speed',
    blurb: 'nabla bench in this browser: a 2-2-1 step, a digits epoch and an f32 matrix product, timed in WebAssembly.',
  },
];

/** Fills the page's `<header class="site">` with the brand and the page links. */
function header() {
  const el = document.querySelector('header.site');
  if (!el) return;
  const here = location.pathname.split('/').pop() || 'index.html';
  el.replaceChildren(
    h('a', { class: 'brand', href: 'index.html' }, '∇ nabla'),
    h('nav', {}, ...PAGES.filter((p) => p.href !== 'index.html').map((p) =>
      h('a', p.href === here ? { href: p.href, 'aria-current': 'page' } : { href: p.href }, p.short ?? p.title))),
  );
}

/** An element with attributes and children (strings become text). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

/** An SVG element with attributes and, optionally, its text. */
export function svg(tag, attrs = {}, text = undefined) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Calls `f` once input has paused for `ms` milliseconds. */
export function debounce(f, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => f(...args), ms);
  };
}

header();
