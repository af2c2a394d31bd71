// The default theme as a reader meets it, in headless Chromium.
//
// Run by tests/theme_browser.rs, which builds the sites and serves them:
//   HANDBOOK_SITE_URL     the sample handbook (required)
//   HANDBOOK_CORPUS_URL   the GitLab corpus (optional: its tests are skipped without it)
//   HANDBOOK_CHROMIUM     the browser binary (default /usr/bin/chromium)
//   HANDBOOK_SCREENSHOTS  where screenshots go (default ../../target/screenshots)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const SITE = (process.env.HANDBOOK_SITE_URL || '').replace(/\/$/, '');
const CORPUS = (process.env.HANDBOOK_CORPUS_URL || '').replace(/\/$/, '');
const SHOTS = process.env.HANDBOOK_SCREENSHOTS || path.resolve('../../target/screenshots');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 812 };

// Pages of the sample handbook the tests walk through.
const CONTENT_PAGE = '/pipeline/forecasting/in-quarter/';
const CADENCE_INDEX = '/cadence/';
// A long page of the corpus: many sections, tables, a long TOC.
const LONG_CORPUS_PAGE = '/handbook/paid-time-off/';

let browser;

before(async () => {
  assert.ok(SITE, 'HANDBOOK_SITE_URL is not set (run through `cargo test --release --test suite a_theme_browser::`)');
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.HANDBOOK_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
});

after(async () => {
  if (browser) await browser.close();
});

async function open(url, { viewport = DESKTOP, scheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport, colorScheme: scheme, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const response = await page.goto(url, { waitUntil: 'load' });
  return { page, context, errors, response };
}

function pathOf(page) {
  const u = new URL(page.url());
  return u.pathname + u.hash;
}

async function exists(url) {
  const { context, response } = await open(url);
  const ok = response.status() === 200;
  await context.close();
  return ok;
}

async function noHorizontalScroll(page, what) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert.ok(scrollWidth <= innerWidth, `${what}: the page scrolls sideways (${scrollWidth}px wide in a ${innerWidth}px window)`);
}

async function seriousViolations(page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}x, e.g. ${v.nodes[0].target.join(' ')})`);
}

test('the sidebar, breadcrumbs and previous/next links navigate', async () => {
  const { page, context, errors } = await open(SITE + '/');
  // Sidebar: a section link opens the section, marked as the current page.
  const section = page.locator('#site-sidebar .nav-list a', { hasText: 'Pipeline and Forecasting' }).first();
  const href = await section.getAttribute('href');
  await Promise.all([page.waitForURL((u) => u.pathname === href), section.click()]);
  assert.equal(await page.locator('#site-sidebar [aria-current="page"]').getAttribute('href'), href);
  assert.equal(await page.locator('h1').first().innerText(), 'Pipeline and Forecasting');
  // The open section shows its pages; one of them opens.
  const child = page.locator('#site-sidebar .nav-list a', { hasText: /^Forecasting$/ }).first();
  await Promise.all([page.waitForURL('**/pipeline/forecasting/'), child.click()]);

  // Breadcrumbs lead back up the tree.
  await page.goto(SITE + CONTENT_PAGE);
  const crumbs = await page.locator('nav.breadcrumbs li').allInnerTexts();
  assert.deepEqual(crumbs.map((c) => c.trim()), ['Northwind Enterprise Sales Operating Rhythm', 'Pipeline and Forecasting', 'Forecasting', 'In-Quarter Forecasting']);
  await Promise.all([
    page.waitForURL('**/pipeline/'),
    page.locator('nav.breadcrumbs a', { hasText: 'Pipeline and Forecasting' }).click(),
  ]);

  // Next leads to the page it names, and that page's Previous comes back.
  await page.goto(SITE + CONTENT_PAGE);
  const next = page.locator('a.pager-next');
  const nextTitle = (await next.locator('.pager-title').innerText()).trim();
  await Promise.all([page.waitForURL((u) => u.pathname !== CONTENT_PAGE), next.click()]);
  assert.equal((await page.locator('h1').first().innerText()).trim(), nextTitle);
  await Promise.all([page.waitForURL((u) => u.pathname === CONTENT_PAGE), page.locator('a.pager-prev').click()]);
  assert.deepEqual(errors, [], 'no script errors');
  await context.close();
});

test('search finds a page by a word in its body, and Enter opens it at the section', async () => {
  const { page, context, errors } = await open(SITE + '/');
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'search-input', '"/" focuses the search box');
  await page.keyboard.type('classroom');
  const first = page.locator('#search-results .search-result').first();
  await first.waitFor();
  // Typed a key at a time, the results of `classroo` may show first: wait
  // for the whole word's (a wrong highlight never settles, and times out).
  await page.waitForFunction(
    () => document.querySelector('#search-results .search-result mark')?.textContent === 'classroom',
  );
  assert.match(await first.innerText(), /Career Development/);
  assert.equal(await first.locator('mark').first().innerText(), 'classroom', 'the match is highlighted');
  await page.screenshot({ path: path.join(SHOTS, 'search-desktop.png') });
  // Arrow keys move the selection; Enter opens the selected hit.
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.locator('#search-input').getAttribute('aria-activedescendant'), 'search-result-0');
  await Promise.all([page.waitForURL('**/people/career-development/**'), page.keyboard.press('Enter')]);
  assert.equal(pathOf(page), '/people/career-development/#manager-development-programme');
  const top = await page.locator('#manager-development-programme').evaluate((h) => h.getBoundingClientRect().top);
  assert.ok(top >= 0 && top < 300, `the heading is in view (top ${top}px)`);
  assert.deepEqual(errors, [], 'no script errors');
  await context.close();
});

test('table of contents links scroll to their headings', async () => {
  const { page, context } = await open(SITE + CONTENT_PAGE);
  const links = page.locator('.toc-column .page-toc a[data-toc-id]');
  const count = await links.count();
  assert.ok(count >= 3, `the page has a table of contents (${count} links)`);
  for (const i of [count - 1, 1]) {
    const link = links.nth(i);
    const id = decodeURIComponent((await link.getAttribute('href')).slice(1));
    await link.click();
    await page.waitForFunction((want) => decodeURIComponent(location.hash.slice(1)) === want, id);
    const at = await page.evaluate((want) => ({
      top: document.getElementById(want).getBoundingClientRect().top,
      header: document.querySelector('.site-header').getBoundingClientRect().bottom,
      bottom: window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2,
      height: window.innerHeight,
    }), id);
    // At the top below the sticky header, or as high as the page can scroll.
    const placed = (at.top >= at.header - 2 && at.top < 250) || (at.bottom && at.top >= at.header - 2 && at.top < at.height);
    assert.ok(placed, `#${id} is in view below the header (${JSON.stringify(at)})`);
  }
  await context.close();
});

test('dark mode switches, is remembered, and nothing scrolls sideways on a phone', async () => {
  const { page, context } = await open(SITE + CONTENT_PAGE);
  const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.locator('.theme-toggle').click();
  assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
  const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.notEqual(dark, light);
  const [r, g, b] = dark.match(/\d+/g).map(Number);
  assert.ok(r + g + b < 200, `a dark background (${dark})`);
  await page.reload();
  assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark', 'the choice survives a reload');
  await noHorizontalScroll(page, 'dark mode, desktop');
  await page.setViewportSize(PHONE);
  await noHorizontalScroll(page, 'dark mode, phone');
  await context.close();

  const pages = ['/', CONTENT_PAGE, '/about/glossary/', '/people/performance/'];
  for (const scheme of ['light', 'dark']) {
    for (const p of pages) {
      const phone = await open(SITE + p, { viewport: PHONE, scheme });
      await noHorizontalScroll(phone.page, `${p} on a phone (${scheme})`);
      // The phone menu opens the sidebar and closes again.
      await phone.page.locator('.menu-toggle').click();
      assert.equal(await phone.page.locator('.menu-toggle').getAttribute('aria-expanded'), 'true');
      await phone.page.keyboard.press('Escape');
      await phone.context.close();
    }
  }
});

test('axe-core finds no serious or critical problems', async (t) => {
  const targets = [['home', SITE + '/'], ['content page', SITE + CONTENT_PAGE]];
  if (await exists(SITE + CADENCE_INDEX)) targets.push(['cadence index', SITE + CADENCE_INDEX]);
  else t.diagnostic(`skipped the cadence index: ${CADENCE_INDEX} is not in this build`);
  if (CORPUS) targets.push(['long corpus page', CORPUS + LONG_CORPUS_PAGE]);
  else t.diagnostic('skipped the long corpus page: HANDBOOK_CORPUS_URL is not set');
  const problems = [];
  for (const [name, url] of targets) {
    for (const scheme of ['light', 'dark']) {
      const { page, context } = await open(url, { scheme });
      for (const v of await seriousViolations(page)) problems.push(`${name} (${scheme}): ${v}`);
      await context.close();
    }
  }
  assert.deepEqual(problems, []);
});

test('the long corpus page reads on a phone and search is quick on 1,177 pages', { skip: !CORPUS && 'HANDBOOK_CORPUS_URL is not set' }, async (t) => {
  const phone = await open(CORPUS + LONG_CORPUS_PAGE, { viewport: PHONE });
  await noHorizontalScroll(phone.page, 'the long corpus page on a phone');
  await phone.context.close();

  const { page, context } = await open(CORPUS + '/');
  const input = page.locator('#search-input');
  await input.focus();
  await page.waitForFunction(() => window.HandbookSearch !== undefined);
  const started = Date.now();
  await input.fill('aforementioned');
  await page.locator('#search-results .search-result').first().waitFor();
  const elapsed = Date.now() - started;
  t.diagnostic(`corpus search, typing to results shown: ${elapsed} ms (includes the 60 ms debounce and shard fetches)`);
  const urls = await page.locator('#search-results .search-result').evaluateAll((as) => as.map((a) => new URL(a.href).pathname + new URL(a.href).hash));
  assert.ok(urls.includes('/handbook/paid-time-off/#requesting-and-documenting-new-pto-by-deel-features'), urls.join('\n'));
  assert.ok(elapsed < 2000, `results within 2 s (${elapsed} ms)`);
  await context.close();
});

test('screenshots of the home page, a content page and the cadence index', async (t) => {
  const shots = [['home', SITE + '/'], ['content', SITE + CONTENT_PAGE]];
  if (await exists(SITE + CADENCE_INDEX)) shots.push(['cadence', SITE + CADENCE_INDEX]);
  else t.diagnostic(`no cadence index screenshot: ${CADENCE_INDEX} is not in this build`);
  for (const [name, url] of shots) {
    for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      const { page, context } = await open(url, { viewport });
      const file = path.join(SHOTS, `${name}-${size}.png`);
      await page.screenshot({ path: file });
      assert.ok(fs.statSync(file).size > 5000, `${file} is a picture`);
      await context.close();
    }
  }
  const dark = await open(SITE + CONTENT_PAGE, { scheme: 'dark' });
  await dark.page.screenshot({ path: path.join(SHOTS, 'content-desktop-dark.png') });
  await dark.context.close();
});

// One page of every kind the site generates, at phone width, light and dark:
// nothing scrolls sideways and axe finds nothing serious. Pages a build does
// not have (a site without owners) are reported, not failed.
const GENERATED_PAGES = [
  ['calendar', '/cadence/calendar/'],
  ['cadence index', '/cadence/'],
  ['one cadence', '/cadence/weekly/'],
  ['owners', '/cadence/owners/'],
  ['one owner', '/cadence/owners/area-sales-manager/'],
  ['404 page', '/404.html'],
  ['redirect page', '/forecasting/in-quarter/'],
  ['section listing', '/pipeline/'],
  ['tag index', '/tags/'],
  ['one tag', '/tags/forecasting/'],
  ['home', '/'],
];

test('every kind of generated page reads on a phone, light and dark, with no serious axe problems', async (t) => {
  const problems = [];
  for (const [kind, path] of GENERATED_PAGES) {
    if (!(await exists(SITE + path))) {
      t.diagnostic(`skipped ${kind}: ${path} is not in this build`);
      continue;
    }
    for (const scheme of ['light', 'dark']) {
      const { page, context } = await open(SITE + path, { viewport: PHONE, scheme });
      if (kind === 'redirect page') {
        // It sends the reader on; the page it lands on is what is checked.
        await page.waitForURL((u) => u.pathname === CONTENT_PAGE, { timeout: 10000 });
        await page.waitForLoadState('load');
      }
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
      if (scrollWidth > innerWidth) problems.push(`${kind} (${scheme}): ${scrollWidth}px wide in a ${innerWidth}px window`);
      for (const v of await seriousViolations(page)) problems.push(`${kind} (${scheme}): ${v}`);
      await page.screenshot({ path: path_for(kind, scheme) });
      await context.close();
    }
  }
  // Search results, shown over a page on a phone.
  const { page, context } = await open(SITE + '/', { viewport: PHONE, scheme: 'dark' });
  await page.locator('.menu-toggle').click().catch(() => {});
  const input = page.locator('#search-input');
  await input.focus();
  await input.fill('forecast');
  await page.locator('#search-results .search-result').first().waitFor();
  const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  if (wide) problems.push('search results on a phone scroll sideways');
  for (const v of await seriousViolations(page)) problems.push(`search results (dark): ${v}`);
  await context.close();
  assert.deepEqual(problems, []);
});

function path_for(kind, scheme) {
  return path.join(SHOTS, `phone-${kind.replace(/\W+/g, '-')}-${scheme}.png`);
}
