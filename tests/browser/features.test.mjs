// Math, diagrams, embeds and colours set in pages, as a reader meets them in
// headless Chromium: the page with math and diagrams loads KaTeX and mermaid
// from the site itself (never a CDN) and shows typeset math and a drawn
// diagram, a page without them loads neither; an embed keeps its shape on a
// phone; text on a background the page set stays readable in both themes;
// Font Awesome icons show, from the site's own stylesheet.
//
// Run by tests/theme_browser.rs with the same variables as reader.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const SITE = (process.env.HANDBOOK_SITE_URL || '').replace(/\/$/, '');
const WITH_BOTH = '/pipeline/forecasting/forecast-categories/';
const WITH_NEITHER = '/pipeline/forecasting/in-quarter/';

let browser;

before(async () => {
  assert.ok(SITE, 'HANDBOOK_SITE_URL is not set (run through `cargo test --release --test suite a_theme_browser::`)');
  browser = await chromium.launch({
    executablePath: process.env.HANDBOOK_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
});

after(async () => {
  if (browser) await browser.close();
});

async function open(url, scheme, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport, colorScheme: scheme });
  const page = await context.newPage();
  const errors = [];
  const requests = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url, { waitUntil: 'load' });
  return { page, context, errors, requests };
}

for (const scheme of ['light', 'dark']) {
  test(`math is typeset and the diagram drawn (${scheme})`, async () => {
    const { page, context, errors, requests } = await open(SITE + WITH_BOTH, scheme);
    await page.waitForSelector('pre.mermaid svg', { timeout: 15000 });
    const found = await page.evaluate(() => ({
      katex: document.querySelectorAll('.math-display .katex-display, .math-display .katex').length,
      svgWidth: document.querySelector('pre.mermaid svg').getBoundingClientRect().width,
      labels: document.querySelector('pre.mermaid svg').textContent,
    }));
    assert.ok(found.katex > 0, 'the formula is typeset by KaTeX');
    assert.ok(found.svgWidth > 50, 'the diagram has a size');
    assert.match(found.labels, /Best Case/);
    assert.deepEqual(errors, []);
    const foreign = requests.filter((u) => !u.startsWith(SITE));
    assert.deepEqual(foreign, [], 'everything comes from the site');
    await context.close();
  });
}

test('a diagram fits a phone screen', async () => {
  const { page, context } = await open(SITE + WITH_BOTH, 'light', { width: 375, height: 812 });
  await page.waitForSelector('pre.mermaid svg', { timeout: 15000 });
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert.ok(scrollWidth <= innerWidth, `the page scrolls sideways (${scrollWidth}px in ${innerWidth}px)`);
  await context.close();
});

test('a page without math or diagrams loads neither library', async () => {
  const { context, requests } = await open(SITE + WITH_NEITHER, 'light');
  const heavy = requests.filter((u) => u.includes('/vendor/'));
  assert.deepEqual(heavy, []);
  await context.close();
});

const WITH_EMBED_AND_COLOURS = '/customers/qbr/';

for (const scheme of ['light', 'dark']) {
  test(`an embed keeps its shape on a phone and page colours stay readable (${scheme})`, async () => {
    const { page, context, errors } = await open(SITE + WITH_EMBED_AND_COLOURS, scheme, { width: 375, height: 812 });
    const found = await page.evaluate(() => {
      const frame = document.querySelector('#main iframe').getBoundingClientRect();
      const cells = Array.from(document.querySelectorAll('#main [style*="background"]'))
        .map((el) => [el.textContent, getComputedStyle(el).color]);
      return {
        width: frame.width,
        height: frame.height,
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        cells,
      };
    });
    assert.ok(found.width <= found.innerWidth, `the embed is ${found.width}px wide`);
    const ratio = found.height / found.width;
    assert.ok(Math.abs(ratio - 569 / 960) < 0.02, `the embed keeps its shape (${found.width}x${found.height})`);
    assert.ok(found.scrollWidth <= found.innerWidth, 'nothing scrolls sideways');
    const colours = Object.fromEntries(found.cells);
    assert.equal(colours['At risk'], 'rgb(0, 0, 0)', 'black on yellow');
    assert.equal(colours['Off track'], 'rgb(0, 0, 0)', 'black on red reads better than white');
    await page.addScriptTag({ content: AXE_SOURCE });
    const contrast = await page.evaluate(() => window.axe.run(document.querySelector('#main'), {
      runOnly: ['color-contrast'],
    }));
    const bad = contrast.violations.flatMap((v) => v.nodes.map((n) => n.target.join(' ')));
    assert.deepEqual(bad, [], 'no text below contrast on the page');
    assert.deepEqual(errors, []);
    await context.close();
  });
}

for (const scheme of ['light', 'dark']) {
  test(`Font Awesome icons a page names are drawn from the site (${scheme})`, async () => {
    const { page, context, errors, requests } = await open(SITE + WITH_EMBED_AND_COLOURS, scheme);
    const icons = await page.evaluate(() => Array.from(document.querySelectorAll('#main i.fa-fw')).map((el) => {
      const box = el.getBoundingClientRect();
      const before = getComputedStyle(el, '::before');
      return {
        classes: el.className,
        width: box.width,
        height: box.height,
        mask: before.maskImage || before.webkitMaskImage,
        ink: before.backgroundColor,
        colour: getComputedStyle(el).color,
        visibility: getComputedStyle(el).visibility,
      };
    }));
    assert.equal(icons.length, 4, 'the four icons of the list');
    for (const icon of icons) {
      assert.ok(icon.width > 10 && icon.height > 10, `${icon.classes} is ${icon.width}x${icon.height}`);
      assert.match(icon.mask, /^url\("data:image\/svg\+xml/, `${icon.classes} has its shape`);
      assert.equal(icon.ink, icon.colour, `${icon.classes} is drawn in the text colour`);
      assert.equal(icon.visibility, 'visible');
    }
    // Drawn: the icon's pixels change when its shape is taken away.
    const shown = page.locator('#main i.fa-envelope');
    const drawn = await shown.screenshot();
    await page.addStyleTag({ content: '#main i.fa-envelope::before { display: none }' });
    const blank = await shown.screenshot();
    assert.ok(!drawn.equals(blank), 'the envelope icon shows on the page');
    const stylesheet = requests.filter((u) => u.endsWith('/vendor/fontawesome/icons.css'));
    assert.equal(stylesheet.length, 1, 'the icons come with the site');
    assert.deepEqual(requests.filter((u) => !u.startsWith(SITE)), [], 'nothing from a CDN');
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('a breadcrumb that wraps starts its next line with a name, not a lone separator', async () => {
  const { page, context } = await open(SITE + WITH_NEITHER, 'light', { width: 280, height: 700 });
  const lines = await page.evaluate(() => {
    const items = Array.from(document.querySelectorAll('nav.breadcrumbs li'));
    const top = items.length ? items[0].getBoundingClientRect().top : 0;
    return items
      .filter((li, i) => i > 0 && li.getBoundingClientRect().top > items[i - 1].getBoundingClientRect().top + 2)
      .map((li) => ({
        text: li.innerText,
        before: getComputedStyle(li, '::before').content,
        wrapped: li.getBoundingClientRect().top > top,
      }));
  });
  assert.ok(lines.length > 0, 'the breadcrumb wraps at this width');
  for (const line of lines) {
    assert.ok(line.before === 'none' || line.before === 'normal', `"${line.text}" opens its line with ${line.before}`);
  }
  await context.close();
});

const CORPUS = (process.env.HANDBOOK_CORPUS_URL || '').replace(/\/$/, '');

test('search ranks a page about the words above pages that mention them', { skip: !CORPUS && 'HANDBOOK_CORPUS_URL is not set' }, async () => {
  const Search = require('../../themes/default/static/js/search.js');
  const engine = Search.create(async (name) => (await fetch(`${CORPUS}/search/${name}`)).json());
  const found = await engine.search('expense report', 10);
  const top = found.results.slice(0, 3).map((r) => r.page);
  assert.ok(top.includes('/handbook/finance/expenses/'), `top three: ${top.join(', ')}`);
});
