#!/usr/bin/env node
/*
 * Measures the search index of a built site: its size (raw and gzip) and,
 * per query, the bytes a browser would fetch and the time the engine takes.
 *
 *   node bench/search-bench.js OUTPUT_DIR [QUERY ...]
 *
 * "cold" is a fresh engine (every shard read from disk and parsed, as on a
 * first search); "warm" is the same query again (shards cached, as while
 * typing). Times are medians of 5 runs.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const Search = require('../themes/default/static/js/search.js');

const out = process.argv[2];
if (!out) {
  console.error('usage: node bench/search-bench.js OUTPUT_DIR [QUERY ...]');
  process.exit(2);
}
const dir = path.join(out, 'search');
const defaults = ['paid time off', 'expense report', 'onboarding', 'values', 'okr',
  'quarterly business review', 'stock options vesting', 'travel insurance', 'team', 'forecast'];
const queries = process.argv.length > 3 ? process.argv.slice(3) : defaults;

const gz = (b) => zlib.gzipSync(b, { level: 9 }).length;
const files = fs.readdirSync(dir);
let raw = 0;
let packed = 0;
let largest = 0;
const gzipOf = {};
for (const f of files) {
  const b = fs.readFileSync(path.join(dir, f));
  raw += b.length;
  gzipOf[f] = gz(b);
  packed += gzipOf[f];
  largest = Math.max(largest, b.length);
}
const kb = (n) => (n / 1024).toFixed(1) + ' KB';
const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'index.json')));
console.log(`${out}: ${manifest.pages} pages, ${files.length} files, ${kb(raw)} raw, ${kb(packed)} gzip; ` +
  `manifest ${kb(fs.statSync(path.join(dir, 'index.json')).size)}, largest file ${kb(largest)}`);

function engine(stats) {
  return Search.create((name) => {
    const file = name.split('?')[0];
    const bytes = fs.readFileSync(path.join(dir, file));
    if (stats) { stats.files++; stats.raw += bytes.length; stats.gzip += gzipOf[file]; }
    return JSON.parse(bytes);
  });
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
const now = () => Number(process.hrtime.bigint()) / 1e6;

(async () => {
  console.log('query | hits | files | fetched raw | fetched gzip | cold ms | warm ms | first hit');
  for (const q of queries) {
    const cold = [];
    const warm = [];
    let stats;
    let found;
    for (let run = 0; run < 5; run++) {
      stats = { files: 0, raw: 0, gzip: 0 };
      const e = engine(stats);
      let t = now();
      found = await e.search(q, 10);
      cold.push(now() - t);
      t = now();
      await e.search(q, 10);
      warm.push(now() - t);
    }
    const first = found.results[0];
    console.log(`${q} | ${found.total} | ${stats.files} | ${kb(stats.raw)} | ${kb(stats.gzip)} | ` +
      `${median(cold).toFixed(1)} | ${median(warm).toFixed(2)} | ${first ? first.url : '-'}`);
  }
})();
