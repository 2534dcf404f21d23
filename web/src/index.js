// The home page: a card per page of the site.
import { h, PAGES } from './site.js';

document.getElementById('pages').replaceChildren(...PAGES.filter((p) => p.href !== 'index.html').map((p) =>
  h('a', { href: p.href }, h('strong', {}, p.title), p.blurb)));
document.body.dataset.ready = 'true';
