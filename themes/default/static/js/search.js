/*
 * handbook search engine: queries the sharded index the build writes under
 * {base_path}/search/ (format described in src/output/search.rs):
 *
 *   index.json  {"v":1, "build", "pages", "stop", "terms":[shard starts], "docs":[shard starts]}
 *   tN.json     {"term": [page delta, score, flags, section..., ...]}
 *               flags = sections listed (0..3) + 4 * title info, where title info
 *               is 0 when the term is not in the title, else
 *               1 + (title words - 1) + 8 * URL depth
 *   dN.json     [[title, url, [[heading, anchor], ...], [section text, ...]], ...]
 *
 * Only the term shards of the words typed and the document shards of the
 * hits shown are fetched, each once. No DOM here: handbook.js draws the box,
 * and the tests and benchmarks run this file in Node.
 *
 *   var engine = HandbookSearch.create(function (name) { return fetchJson(name); });
 *   engine.search('forecast call', 10).then(function (found) { ... });
 *   // found = {words (to highlight), total, results: [{title, url, page, heading, excerpt}]}
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.HandbookSearch = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  var FORMAT = 1;
  var MIN_CHARS = 2;
  var MAX_CHARS = 32;
  /* A word also finds the longer words it starts (plan -> planning), at a
     lower score; this many of them at most, the most frequent first. */
  var MAX_EXPANSIONS = 40;
  var EXPANSION_WEIGHT = 0.6;
  /* Every query word in the title outranks any body match; among such pages
     the title the words fill best, then the page highest in the tree, wins. */
  var TITLE_BONUS = 400;
  var TITLE_COVER_BONUS = 120;
  var DEPTH_PENALTY = 15;
  /* Some of the query words in the title: a page about the subject, ahead of
     pages that only mention the words. */
  var PARTIAL_TITLE_BONUS = 240;
  /* Every word in one section (a heading and its text): the words are close. */
  var SAME_SECTION_BONUS = 80;
  var SPLIT = /[^\p{Alphabetic}\p{N}]+/u;

  /* The words of a query as the index holds them (see tokens() and
     singular() in src/output/search.rs, which this must match). */
  function tokens(text, stop) {
    return unique(typedWords(text, stop).map(singular));
  }

  /* The words as typed (lowercased), for highlighting. */
  function typedWords(text, stop) {
    return String(text).toLowerCase().split(SPLIT).filter(function (w) {
      var n = Array.from(w).length;
      return n >= MIN_CHARS && n <= MAX_CHARS && !stop[w];
    });
  }

  function unique(list) {
    var seen = {};
    return list.filter(function (w) {
      if (seen[w]) return false;
      seen[w] = true;
      return true;
    });
  }

  /* Harman's "S" stemmer: policies -> policy, expenses -> expense, calls -> call. */
  function singular(w) {
    var n = Array.from(w).length;
    if (n > 4 && /ies$/.test(w) && !/[ea]ies$/.test(w)) return w.slice(0, -3) + 'y';
    if (n > 3 && /es$/.test(w) && !/[aeo]es$/.test(w)) return w.slice(0, -1);
    if (n > 3 && /s$/.test(w) && !/(us|ss|is)$/.test(w)) return w.slice(0, -1);
    return w;
  }

  /* Index of the last start <= key (starts are sorted, the first is the smallest). */
  function shardOf(starts, key) {
    var lo = 0;
    var hi = starts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= key) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  function Engine(loadJson) {
    this.loadJson = loadJson;
    this.manifest = null;
    this.manifestPromise = null;
    this.shards = {};
  }

  Engine.prototype.ready = function () {
    var self = this;
    if (!self.manifestPromise) {
      self.manifestPromise = Promise.resolve(self.loadJson('index.json')).then(function (m) {
        if (!m || m.v !== FORMAT || !Array.isArray(m.terms) || !Array.isArray(m.docs)) {
          throw new Error('search index: unknown format');
        }
        m.stopSet = {};
        (m.stop || []).forEach(function (w) { m.stopSet[w] = true; });
        self.manifest = m;
        return m;
      });
    }
    return self.manifestPromise;
  };

  Engine.prototype.file = function (name) {
    var self = this;
    if (!self.shards[name]) {
      var versioned = name + '?v=' + encodeURIComponent(self.manifest.build || '');
      self.shards[name] = Promise.resolve(self.loadJson(versioned)).catch(function (err) {
        delete self.shards[name];
        throw err;
      });
    }
    return self.shards[name];
  };

  /* The postings of `word` and of the words it starts: page -> {score, sections, title}. */
  Engine.prototype.lookup = function (word) {
    var self = this;
    var starts = self.manifest.terms;
    var first = shardOf(starts, word);
    var last = shardOf(starts, word + '\uffff');
    var loads = [];
    for (var i = first; i <= last; i++) loads.push(self.file('t' + i + '.json'));
    return Promise.all(loads).then(function (shards) {
      var expansions = [];
      var exact = null;
      shards.forEach(function (shard) {
        Object.keys(shard).forEach(function (term) {
          if (term === word) exact = shard[term];
          else if (term.lastIndexOf(word, 0) === 0) expansions.push(shard[term]);
        });
      });
      expansions.sort(function (a, b) { return b.length - a.length; });
      var hits = new Map();
      if (exact) addPostings(hits, exact, 1);
      expansions.slice(0, MAX_EXPANSIONS).forEach(function (list) {
        addPostings(hits, list, EXPANSION_WEIGHT);
      });
      return hits;
    });
  };

  function addPostings(hits, list, weight) {
    var page = 0;
    var i = 0;
    while (i + 2 < list.length) {
      page += list[i];
      var score = list[i + 1] * weight;
      var flags = list[i + 2];
      var count = flags & 3;
      var title = flags >> 2;
      var sections = list.slice(i + 3, i + 3 + count);
      i += 3 + count;
      var hit = hits.get(page);
      if (!hit) {
        hits.set(page, { score: score, sections: sections, title: title });
      } else {
        hit.score = Math.max(hit.score, score);
        hit.title = hit.title || title;
        sections.forEach(function (s) { if (hit.sections.indexOf(s) === -1) hit.sections.push(s); });
      }
    }
  }

  /* Pages that hold every word, best first, with the section most words share. */
  function rank(perWord, pages) {
    perWord.sort(function (a, b) { return a.size - b.size; });
    var found = [];
    perWord[0].forEach(function (hit, page) {
      var score = 0;
      var inTitle = 0;
      var titleInfo = 0;
      var votes = {};
      for (var w = 0; w < perWord.length; w++) {
        var h = perWord[w].get(page);
        if (!h) return;
        score += h.score;
        if (h.title) { inTitle++; titleInfo = h.title; }
        // Sections that hold more of the words win; then those of the rarer words.
        var rarity = Math.log(1 + pages / perWord[w].size);
        h.sections.forEach(function (s) { votes[s] = (votes[s] || 0) + 1000 + rarity; });
      }
      var depth = (titleInfo - 1) >> 3;
      if (inTitle === perWord.length) {
        var titleWords = ((titleInfo - 1) & 7) + 1;
        score += TITLE_BONUS + TITLE_COVER_BONUS * Math.min(1, perWord.length / titleWords) - DEPTH_PENALTY * depth;
      } else if (inTitle > 0) {
        score += PARTIAL_TITLE_BONUS * inTitle / perWord.length - DEPTH_PENALTY * depth;
      }
      var section = 0;
      var best = 0;
      Object.keys(votes).forEach(function (s) {
        var n = votes[s];
        s = Number(s);
        if (n > best || (n === best && s < section)) { best = n; section = s; }
      });
      if (perWord.length > 1 && best >= 1000 * perWord.length) score += SAME_SECTION_BONUS;
      // A page whose title says it all opens at the top.
      if (inTitle === perWord.length) section = 0;
      found.push({ page: page, score: score, section: section });
    });
    found.sort(function (a, b) { return b.score - a.score || a.page - b.page; });
    return found;
  }

  Engine.prototype.doc = function (page) {
    var m = this.manifest;
    var shard = shardOf(m.docs, page);
    return this.file('d' + shard + '.json').then(function (docs) {
      return docs[page - m.docs[shard]];
    });
  };

  /* The section's text, or the first text of the page when the section has none. */
  function sectionText(texts, section) {
    if (texts[section]) return String(texts[section]);
    for (var i = 0; i < texts.length; i++) if (texts[i]) return String(texts[i]);
    return '';
  }

  function excerptOf(text, words) {
    if (!text) return '';
    var lower = text.toLowerCase();
    var at = -1;
    words.forEach(function (w) {
      var re = new RegExp('(^|[^\\p{Alphabetic}\\p{N}])' + escapeRegExp(w), 'u');
      var m = re.exec(lower);
      if (m) {
        var i = m.index + m[1].length;
        if (at === -1 || i < at) at = i;
      }
    });
    if (at === -1) return text.length > 160 ? text.slice(0, 160).replace(/\s+\S*$/, '') + '…' : text;
    var start = Math.max(0, at - 60);
    var end = Math.min(text.length, at + 140);
    var out = text.slice(start, end);
    if (start > 0) out = '…' + out.replace(/^\S*\s+/, '');
    if (end < text.length) out = out.replace(/\s+\S*$/, '') + '…';
    return out;
  }

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }

  /* Resolves to {words, total, results}; results hold at most `limit` hits. */
  Engine.prototype.search = function (query, limit) {
    var self = this;
    limit = limit || 10;
    return self.ready().then(function (m) {
      var terms = tokens(query, m.stopSet);
      if (!terms.length) return { words: [], total: 0, results: [] };
      // Highlight what was typed and what it was folded to.
      var words = unique(terms.concat(typedWords(query, m.stopSet)));
      return Promise.all(terms.map(function (w) { return self.lookup(w); })).then(function (perWord) {
        var ranked = rank(perWord, m.pages || 1);
        var top = ranked.slice(0, limit);
        return Promise.all(top.map(function (r) { return self.doc(r.page); })).then(function (docs) {
          var results = [];
          top.forEach(function (r, i) {
            var d = docs[i];
            if (!d) return;
            var heading = r.section > 0 ? d[2][r.section - 1] : null;
            var url = String(d[1]);
            results.push({
              title: String(d[0]),
              page: url,
              url: heading && heading[1] ? url.split('#')[0] + '#' + heading[1] : url,
              heading: heading ? { text: String(heading[0]), anchor: String(heading[1]) } : null,
              excerpt: excerptOf(sectionText(d[3] || [], r.section), words)
            });
          });
          return { words: words, total: ranked.length, results: results };
        });
      });
    });
  };

  return {
    create: function (loadJson) { return new Engine(loadJson); },
    tokens: function (text, stopWords) {
      var stop = {};
      (stopWords || []).forEach(function (w) { stop[w] = true; });
      return tokens(text, stop);
    }
  };
});
