// The worst pages a held-out copy of the GitLab handbook showed in a
// browser (issue 17), at phone and desktop width: a legend of self-closed
// icons with `font-size: 5em` (once 33,554,432 px tall), Google Slides and
// Sheets embeds, table cells coloured by the page, read in dark mode. Each
// fails on a page that scrolls sideways, a page taller than 50,000 px, or
// text below WCAG AA contrast (axe-core).
//
// Run by tests/theme_browser.rs:
//   HANDBOOK_WORST_URL    the fixture site tests/fixtures/worst-pages (required)
//   HANDBOOK_CORPUS_URL   the GitLab corpus, and
//   HANDBOOK_CORPUS_WORST its pages of each kind, as JSON
//                         [{"path": "/handbook/x/", "kind": "icons"}, ...]
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const FIXTURE = (process.env.HANDBOOK_WORST_URL || '').replace(/\/$/, '');
const CORPUS = (process.env.HANDBOOK_CORPUS_URL || '').replace(/\/$/, '');
const SHOTS = process.env.HANDBOOK_SCREENSHOTS || path.resolve('../../target/screenshots');
const TALLEST = 50000;
const WIDTHS = { phone: { width: 360, height: 740 }, desktop: { width: 1280, height: 800 } };
// Each kind of page in the theme it was worst in.
const SCHEMES = { icons: ['light'], embeds: ['light'], colours: ['dark', 'light'] };

const FIXTURE_PAGES = [
  { path: '/self-closed-icons/', kind: 'icons' },
  { path: '/embeds/', kind: 'embeds' },
  { path: '/coloured-table/', kind: 'colours' },
];
const CORPUS_PAGES = CORPUS ? JSON.parse(process.env.HANDBOOK_CORPUS_WORST || '[]') : [];

let browser;

before(async () => {
  assert.ok(FIXTURE, 'HANDBOOK_WORST_URL is not set (run through `cargo test --release --test suite a_theme_browser::`)');
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.HANDBOOK_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
});

after(async () => {
  if (browser) await browser.close();
});

async function open(site, url, viewport, scheme) {
  const context = await browser.newContext({ viewport, colorScheme: scheme, reducedMotion: 'reduce' });
  // Embeds point at Google and YouTube: the test reads the page, not them.
  await context.route((u) => !u.href.startsWith(site), (route) => route.abort());
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url, { waitUntil: 'load' });
  return { page, context, errors };
}

async function measure(page) {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    height: document.documentElement.scrollHeight,
  }));
}

async function contrastViolations(page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(() => window.axe.run(document.querySelector('#main') || document, {
    runOnly: ['color-contrast'],
    resultTypes: ['violations'],
  }));
  return result.violations.flatMap((v) => v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary.split('\n').pop().trim()}`));
}

function shotName(site, pagePath, width, scheme) {
  const slug = pagePath.replace(/^\/|\/$/g, '').replace(/[^a-z0-9]+/gi, '-') || 'home';
  return path.join(SHOTS, `worst-${site}-${slug}-${width}-${scheme}.png`);
}

function checkPages(siteName, site, pages) {
  for (const { path: pagePath, kind } of pages) {
    for (const [widthName, viewport] of Object.entries(WIDTHS)) {
      for (const scheme of SCHEMES[kind] || ['light']) {
        test(`${siteName} ${pagePath} (${kind}) at ${widthName} width, ${scheme}: no sideways scroll, not too tall, readable`, async () => {
          const { page, context, errors } = await open(site, site + pagePath, viewport, scheme);
          const size = await measure(page);
          await page.screenshot({ path: shotName(siteName, pagePath, widthName, scheme) });
          assert.ok(size.scrollWidth <= size.innerWidth,
            `the page scrolls sideways (${size.scrollWidth}px in ${size.innerWidth}px)`);
          assert.ok(size.height <= TALLEST, `the page is ${size.height}px tall`);
          if (kind === 'icons') {
            const italic = await page.evaluate(() => Array.from(document.querySelectorAll('#main p, #main li, #main td'))
              .filter((el) => getComputedStyle(el).fontStyle === 'italic').length);
            assert.equal(italic, 0, 'no text turned italic after a self-closed icon');
          }
          if (kind === 'embeds') {
            const frames = await page.evaluate(() => Array.from(document.querySelectorAll('#main iframe'))
              .map((f) => {
                const r = f.getBoundingClientRect();
                const shape = parseFloat(f.getAttribute('width')) / parseFloat(f.getAttribute('height'));
                return { w: r.width, h: r.height, shape, video: !!f.closest('.video_container') };
              }));
            for (const { w, h, shape, video } of frames) {
              assert.ok(w <= size.innerWidth, `an embed is ${w}px wide`);
              if (!video && shape > 0 && h > 0) {
                assert.ok(Math.abs(w / h - shape) / shape < 0.05, `an embed lost its shape (${w}x${h}, written ${shape.toFixed(2)}:1)`);
              }
            }
          }
          assert.deepEqual(await contrastViolations(page), [], 'text below contrast');
          assert.deepEqual(errors, []);
          await context.close();
        });
      }
    }
  }
}

checkPages('fixture', FIXTURE, FIXTURE_PAGES);
checkPages('corpus', CORPUS, CORPUS_PAGES);

test('the corpus has pages of each kind to read', { skip: !CORPUS && 'HANDBOOK_CORPUS_URL is not set' }, () => {
  const kinds = new Set(CORPUS_PAGES.map((p) => p.kind));
  // The slice has embeds; icons sized by the page and coloured cells are in
  // the whole handbook (the fixture site has all three).
  assert.ok(kinds.has('embeds'), `corpus pages found: ${JSON.stringify(CORPUS_PAGES)}`);
});
