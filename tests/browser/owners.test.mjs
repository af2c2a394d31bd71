// Owners and reviews as a reader meets them, in headless Chromium: a page's
// owner links to their entry on /owners/, which reads on a phone (nothing
// scrolls sideways, light and dark) with no serious axe problems, its
// overdue reviews marked and each owner's pages behind a disclosure.
//
// Run by tests/theme_browser.rs with the same variables as reader.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const SITE = (process.env.HANDBOOK_SITE_URL || '').replace(/\/$/, '');
const SHOTS = process.env.HANDBOOK_SCREENSHOTS || path.resolve('../../target/screenshots');
const PHONE = { width: 375, height: 812 };
const OWNED_PAGE = '/pipeline/forecasting/in-quarter/';
const OWNERS = '/owners/';

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

async function open(url, { viewport = PHONE, scheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport, colorScheme: scheme, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url, { waitUntil: 'load' });
  return { page, context, errors };
}

async function seriousViolations(page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}x, e.g. ${v.nodes[0].target.join(' ')})`);
}

async function sideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

for (const scheme of ['light', 'dark']) {
  test(`/owners/ reads on a phone with no serious axe problems (${scheme})`, async () => {
    const { page, context, errors } = await open(SITE + OWNERS, { scheme });
    assert.equal(await page.locator('h1').textContent(), 'Owners and reviews');
    assert.ok(await page.locator('.owner-entry').count() >= 5, 'an entry per owner');
    // Open every disclosure: the longest state of the page is what must fit.
    for (const summary of await page.locator('details.owners-all > summary').all()) await summary.click();
    assert.ok(await sideways(page) <= 0, 'nothing scrolls sideways');
    assert.deepEqual(await seriousViolations(page), []);
    assert.deepEqual(errors, []);
    await page.screenshot({ path: path.join(SHOTS, `phone-owners-and-reviews-${scheme}.png`), fullPage: true });
    await context.close();
  });

  test(`a page shows its owner and review, and the owner link lands on their entry (${scheme})`, async () => {
    const { page, context } = await open(SITE + OWNED_PAGE, { scheme });
    const line = page.locator('.doc-ownership');
    assert.match(await line.textContent(), /Owned by Area Sales Manager/);
    assert.match(await line.textContent(), /Reviewed 28 Feb 2025 · next review due 28 May 2025/);
    assert.ok(await sideways(page) <= 0, 'nothing scrolls sideways');
    assert.deepEqual(await seriousViolations(page), []);
    await line.getByRole('link', { name: 'Area Sales Manager' }).click();
    await page.waitForURL((u) => u.pathname === OWNERS && u.hash === '#owner-area-sales-manager');
    const entry = page.locator('#owner-area-sales-manager');
    // The heading's anchor link (handbook.js) ends its text with `#`.
    assert.match(await entry.locator('h3').textContent(), /^Area Sales Manager#?$/);
    assert.match(await entry.textContent(), /In-quarter forecast call/);
    await context.close();
  });
}
