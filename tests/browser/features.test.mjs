// Math and diagrams as a reader meets them, in headless Chromium: the page
// with them loads KaTeX and mermaid from the site itself (never a CDN) and
// shows typeset math and a drawn diagram; a page without them loads neither.
//
// Run by tests/theme_browser.rs with the same variables as reader.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const SITE = (process.env.HANDBOOK_SITE_URL || '').replace(/\/$/, '');
const WITH_BOTH = '/pipeline/forecasting/forecast-categories/';
const WITH_NEITHER = '/pipeline/forecasting/in-quarter/';

let browser;

before(async () => {
  assert.ok(SITE, 'HANDBOOK_SITE_URL is not set (run through `cargo test --release --test theme_browser`)');
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
