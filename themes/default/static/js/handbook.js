/*
 * handbook default theme: progressive enhancements.
 *
 * Plain ES2018, no libraries. The only requests it makes are for the site's
 * own search engine and index (same origin), once the search box gets focus.
 * Every feature checks that its elements exist, so a site that overrides a
 * template and drops a part of the page loses nothing else.
 *
 *  - dark-mode toggle (remembered in localStorage as "handbook-theme")
 *  - phone menu toggle
 *  - "#" anchor links on h2-h4 headings that have an id
 *  - "Copy" buttons on pre.code blocks
 *  - current-section highlight in the "On this page" column
 *  - search box: js/search.js (loaded on first focus) queries the sharded
 *      index under {base_path}/search/ and fetches only the shards it needs
 *  - suggestions on the 404 page, opened <details> when printing
 */
(function () {
  'use strict';

  var root = document.documentElement;
  var basePath = (root.getAttribute('data-base-path') || '').replace(/\/+$/, '');
  var THEME_KEY = 'handbook-theme';

  /* ------------------------------------------------------------ helpers */

  function storeGet(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  function storeSet(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode */ }
  }

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      var self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  function media(query) {
    return window.matchMedia ? window.matchMedia(query) : null;
  }

  function onMediaChange(mq, fn) {
    if (!mq) return;
    if (mq.addEventListener) mq.addEventListener('change', fn);
    else if (mq.addListener) mq.addListener(fn);
  }

  function headerHeight() {
    var header = document.querySelector('.site-header');
    return header ? header.getBoundingClientRect().height : 0;
  }

  /* A polite live region for short announcements ("Copied", "5 results"). */
  var liveRegion = null;
  function announce(text) {
    if (!liveRegion) {
      liveRegion = document.createElement('div');
      liveRegion.className = 'visually-hidden';
      liveRegion.setAttribute('role', 'status');
      liveRegion.setAttribute('aria-live', 'polite');
      liveRegion.setAttribute('aria-atomic', 'true');
      var host = document.querySelector('.site-header') || document.getElementById('main') || document.body;
      host.appendChild(liveRegion);
    }
    liveRegion.textContent = '';
    setTimeout(function () { liveRegion.textContent = text; }, 50);
  }

  /* Scroll `el` into view inside the scrollable `container` only (never the page). */
  function revealInside(container, el) {
    if (!container || !el || container.scrollHeight <= container.clientHeight) return;
    var c = container.getBoundingClientRect();
    var r = el.getBoundingClientRect();
    if (r.top < c.top || r.bottom > c.bottom) {
      container.scrollTop += r.top - c.top - c.height / 3;
    }
  }

  /* ---------------------------------------------------------- dark mode */

  var darkQuery = media('(prefers-color-scheme: dark)');

  function effectiveTheme() {
    var t = root.getAttribute('data-theme');
    if (t === 'dark' || t === 'light') return t;
    return darkQuery && darkQuery.matches ? 'dark' : 'light';
  }

  function initThemeToggle() {
    var button = document.querySelector('.theme-toggle');
    var saved = storeGet(THEME_KEY);
    if (saved === 'dark' || saved === 'light') root.setAttribute('data-theme', saved);
    if (!button) return;

    function sync() {
      var dark = effectiveTheme() === 'dark';
      button.setAttribute('aria-pressed', dark ? 'true' : 'false');
      button.title = dark ? 'Switch to light mode' : 'Switch to dark mode';
    }

    button.addEventListener('click', function () {
      var next = effectiveTheme() === 'dark' ? 'light' : 'dark';
      root.setAttribute('data-theme', next);
      storeSet(THEME_KEY, next);
      sync();
    });
    onMediaChange(darkQuery, sync);
    window.addEventListener('storage', function (e) {
      if (e.key === THEME_KEY && (e.newValue === 'dark' || e.newValue === 'light')) {
        root.setAttribute('data-theme', e.newValue);
        sync();
      }
    });
    sync();
  }

  /* --------------------------------------------------------- phone menu */

  function initMenu() {
    var button = document.querySelector('.menu-toggle');
    var sidebar = document.getElementById('site-sidebar');
    if (!sidebar) return;
    var current = sidebar.querySelector('[aria-current="page"]');
    var wide = media('(min-width: 992px)');

    // On wide screens the sidebar scrolls by itself: bring the current page into view.
    if (!wide || wide.matches) revealInside(sidebar, current);
    if (!button) return;

    function setOpen(open, returnFocus) {
      root.classList.toggle('nav-open', open);
      button.setAttribute('aria-expanded', open ? 'true' : 'false');
      if (open) revealInside(sidebar, current);
      if (!open && returnFocus) button.focus();
    }

    button.addEventListener('click', function () {
      setOpen(!root.classList.contains('nav-open'), false);
    });
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && root.classList.contains('nav-open')) setOpen(false, true);
    });
    sidebar.addEventListener('click', function (e) {
      var link = e.target.closest ? e.target.closest('a[href]') : null;
      if (link && root.classList.contains('nav-open')) setOpen(false, false);
    });
    onMediaChange(wide, function () {
      if (wide.matches && root.classList.contains('nav-open')) setOpen(false, false);
    });
  }

  /* ---------------------------------------------------- heading anchors */

  function initAnchors() {
    var scope = document.getElementById('main');
    if (!scope) return;
    var headings = scope.querySelectorAll('h2[id], h3[id], h4[id]');
    Array.prototype.forEach.call(headings, function (h) {
      if (!h.id || h.querySelector('a.anchor')) return;
      var a = document.createElement('a');
      a.className = 'anchor';
      a.href = '#' + h.id;
      a.setAttribute('aria-label', 'Link to this section');
      a.textContent = '#';
      h.appendChild(a);
    });
  }

  /* ------------------------------------------------------- copy buttons */

  function fallbackCopy(text) {
    return new Promise(function (resolve, reject) {
      var active = document.activeElement;
      var area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.setAttribute('aria-hidden', 'true');
      area.style.position = 'fixed';
      area.style.top = '0';
      area.style.left = '-9999px';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (active && active.focus) active.focus();
      if (ok) resolve(); else reject(new Error('copy failed'));
    });
  }

  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  function initCopyButtons() {
    var blocks = document.querySelectorAll('pre.code');
    Array.prototype.forEach.call(blocks, function (pre) {
      var parent = pre.parentNode;
      if (!parent || (parent.classList && parent.classList.contains('code-block'))) return;
      var wrapper = document.createElement('div');
      wrapper.className = 'code-block';
      parent.insertBefore(wrapper, pre);
      wrapper.appendChild(pre);

      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'copy-button';
      button.textContent = 'Copy';
      button.setAttribute('aria-label', 'Copy code');
      wrapper.appendChild(button);

      var timer = null;
      function feedback(text, copied) {
        button.textContent = text;
        button.classList.toggle('is-copied', copied);
        announce(copied ? 'Code copied to the clipboard' : text);
        clearTimeout(timer);
        timer = setTimeout(function () {
          button.textContent = 'Copy';
          button.classList.remove('is-copied');
        }, 2000);
      }

      button.addEventListener('click', function () {
        var code = pre.querySelector('code') || pre;
        copyText(code.textContent.replace(/\n$/, '')).then(
          function () { feedback('Copied!', true); },
          function () { feedback('Copy failed', false); }
        );
      });
    });
  }

  /* Wide tables and code blocks scroll sideways: make them reachable with
     the keyboard (and tell axe-core they are). */
  function initScrollables() {
    var scope = document.getElementById('main');
    if (!scope) return;
    var els = scope.querySelectorAll('pre, table');
    if (!els.length) return;
    function update() {
      Array.prototype.forEach.call(els, function (el) {
        var scrolls = el.scrollWidth > el.clientWidth + 1;
        if (scrolls && !el.hasAttribute('tabindex')) {
          el.setAttribute('tabindex', '0');
          el.setAttribute('data-hb-scroll', '');
        } else if (!scrolls && el.hasAttribute('data-hb-scroll')) {
          el.removeAttribute('tabindex');
          el.removeAttribute('data-hb-scroll');
        }
      });
    }
    update();
    window.addEventListener('resize', debounce(update, 200));
  }

  /* ---------------------------------------------------- TOC highlighting */

  function initTocHighlight() {
    var toc = document.querySelector('.page-toc');
    if (!toc || !('IntersectionObserver' in window)) return;
    var column = toc.closest ? toc.closest('.toc-column') : null;
    var links = toc.querySelectorAll('a[href^="#"]');
    var headings = [];
    var linkFor = new Map();

    Array.prototype.forEach.call(links, function (a) {
      var id = a.getAttribute('href').slice(1);
      if (!id) return;
      try { id = decodeURIComponent(id); } catch (e) { /* keep as is */ }
      var h = document.getElementById(id);
      if (h && !linkFor.has(h)) {
        linkFor.set(h, a);
        headings.push(h);
      }
    });
    if (!headings.length) return;

    var visible = new Set();
    var active = null;

    function setActive(link) {
      if (link === active) return;
      if (active) {
        active.classList.remove('is-active');
        active.removeAttribute('aria-current');
      }
      active = link;
      if (link) {
        link.classList.add('is-active');
        link.setAttribute('aria-current', 'location');
        revealInside(column, link);
      }
    }

    function pick() {
      var chosen = null;
      var i;
      for (i = 0; i < headings.length; i++) {
        if (visible.has(headings[i])) { chosen = headings[i]; break; }
      }
      if (!chosen) {
        // No heading in the band: the section we are in is the last one above it.
        var limit = headerHeight() + 8;
        for (i = 0; i < headings.length; i++) {
          if (headings[i].getBoundingClientRect().top < limit) chosen = headings[i];
          else break;
        }
      }
      setActive(chosen ? linkFor.get(chosen) : null);
    }

    var top = Math.round(headerHeight());
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) visible.add(entry.target);
        else visible.delete(entry.target);
      });
      pick();
    }, { rootMargin: '-' + top + 'px 0px -55% 0px', threshold: 0 });
    headings.forEach(function (h) { observer.observe(h); });

    // At the very bottom the last headings may never reach the band.
    window.addEventListener('scroll', debounce(function () {
      var doc = document.documentElement;
      if (window.innerHeight + window.pageYOffset >= doc.scrollHeight - 4) {
        var last = null;
        headings.forEach(function (h) {
          if (h.getBoundingClientRect().top < window.innerHeight) last = h;
        });
        if (last) setActive(linkFor.get(last));
      }
    }, 100), { passive: true });
  }

  /* ------------------------------------------------------------- search */

  /* The engine (js/search.js) and the index manifest are fetched the first
     time the search box gets focus; the engine then fetches only the index
     shards the query needs. */
  var search = {
    engine: null,
    promise: null,
    failed: false,

    load: function () {
      var self = this;
      if (!self.promise) {
        self.promise = loadScript(basePath + '/js/search.js')
          .then(function () {
            if (!window.HandbookSearch) throw new Error('search engine missing');
            var engine = window.HandbookSearch.create(function (name) {
              return fetch(basePath + '/search/' + name, { credentials: 'same-origin' })
                .then(function (response) {
                  if (!response.ok) throw new Error('search index: HTTP ' + response.status);
                  return response.json();
                });
            });
            return engine.ready().then(function () {
              self.engine = engine;
              return engine;
            });
          })
          .catch(function (err) {
            self.failed = true;
            throw err;
          });
      }
      return self.promise;
    }
  };

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      if (window.HandbookSearch) { resolve(); return; }
      var script = document.createElement('script');
      script.src = src;
      script.async = true;
      script.onload = function () { resolve(); };
      script.onerror = function () { reject(new Error('cannot load ' + src)); };
      document.head.appendChild(script);
    });
  }

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }

  /* Text with every query word wrapped in <mark>, built with DOM nodes. */
  function highlight(text, words) {
    var frag = document.createDocumentFragment();
    if (!words.length || !text) {
      frag.appendChild(document.createTextNode(text));
      return frag;
    }
    var sorted = words.slice().sort(function (a, b) { return b.length - a.length; });
    var re = new RegExp(sorted.map(escapeRegExp).join('|'), 'gi');
    var last = 0;
    var m;
    while ((m = re.exec(text)) !== null) {
      if (m[0] === '') { re.lastIndex++; continue; }
      if (m.index > last) frag.appendChild(document.createTextNode(text.slice(last, m.index)));
      var mark = document.createElement('mark');
      mark.textContent = m[0];
      frag.appendChild(mark);
      last = m.index + m[0].length;
    }
    if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  function initSearch() {
    var input = document.getElementById('search-input');
    var box = document.getElementById('search-results');
    if (!input || !box) return;
    var container = input.closest ? (input.closest('.search') || input.parentNode) : input.parentNode;
    var options = [];
    var selected = -1;
    var MAX = 10;
    var latest = 0;

    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', box.id);
    input.setAttribute('aria-expanded', 'false');

    function open() {
      box.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }

    function close() {
      box.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      selected = -1;
    }

    function clear() {
      box.textContent = '';
      box.removeAttribute('role');
      box.removeAttribute('aria-label');
      options = [];
      selected = -1;
      input.removeAttribute('aria-activedescendant');
    }

    function message(text) {
      clear();
      var p = document.createElement('p');
      p.className = 'search-status';
      p.textContent = text;
      box.appendChild(p);
      open();
    }

    function select(i, scroll) {
      if (!options.length) return;
      if (selected >= 0 && options[selected]) options[selected].setAttribute('aria-selected', 'false');
      selected = i;
      var opt = options[i];
      opt.setAttribute('aria-selected', 'true');
      input.setAttribute('aria-activedescendant', opt.id);
      if (scroll) revealInside(box, opt);
    }

    function show(query, found) {
      if (!found.results.length) {
        message('No results for “' + query + '”');
        announce('No results');
        return;
      }
      clear();
      box.setAttribute('role', 'listbox');
      box.setAttribute('aria-label', 'Search results');
      found.results.forEach(function (r, i) {
        var a = document.createElement('a');
        a.className = 'search-result';
        a.id = 'search-result-' + i;
        a.href = r.url;
        a.tabIndex = -1;
        a.setAttribute('role', 'option');
        a.setAttribute('aria-selected', 'false');

        var title = document.createElement('span');
        title.className = 'search-result-title';
        title.appendChild(highlight(r.title || r.page, found.words));
        a.appendChild(title);

        if (r.heading) {
          var heading = document.createElement('span');
          heading.className = 'search-result-heading';
          heading.appendChild(highlight(r.heading.text, found.words));
          a.appendChild(heading);
        }

        if (r.excerpt) {
          var ex = document.createElement('span');
          ex.className = 'search-result-excerpt';
          ex.appendChild(highlight(r.excerpt, found.words));
          a.appendChild(ex);
        }

        a.addEventListener('mousemove', function () { if (selected !== i) select(i, false); });
        box.appendChild(a);
        options.push(a);
      });
      open();
      var n = found.total;
      announce(n > MAX ? n + ' results, showing the first ' + MAX : n + (n === 1 ? ' result' : ' results'));
    }

    function unavailable() {
      message('Search is unavailable');
      announce('Search is unavailable');
    }

    function run() {
      var query = input.value.trim();
      var ticket = ++latest;
      if (!query) { clear(); close(); return; }
      if (search.failed) { unavailable(); return; }
      if (!search.engine) message('Loading…');
      search.load()
        .then(function (engine) { return engine.search(query, MAX); })
        .then(function (found) {
          // An answer to an older query must not replace a newer one.
          if (ticket === latest && document.activeElement === input) show(query, found);
        }, function (err) {
          if (ticket !== latest) return;
          if (window.console) console.error('handbook search:', err);
          unavailable();
        });
    }

    var runSoon = debounce(run, 60);

    input.addEventListener('focus', function () {
      search.load().catch(function () { /* reported when a query runs */ });
      if (input.value.trim() && box.hidden) run();
    });

    input.addEventListener('input', runSoon);

    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown' || e.key === 'Down') {
        e.preventDefault();
        if (box.hidden) { run(); return; }
        if (options.length) select(selected < options.length - 1 ? selected + 1 : 0, true);
      } else if (e.key === 'ArrowUp' || e.key === 'Up') {
        e.preventDefault();
        if (options.length) select(selected > 0 ? selected - 1 : options.length - 1, true);
      } else if (e.key === 'Enter') {
        if (box.hidden || !options.length) return;
        e.preventDefault();
        var target = options[selected >= 0 ? selected : 0];
        if (e.ctrlKey || e.metaKey) window.open(target.href, '_blank', 'noopener');
        else window.location.href = target.href;
      } else if (e.key === 'Escape' || e.key === 'Esc') {
        if (!box.hidden) {
          e.preventDefault();
          close();
        } else if (input.value) {
          e.preventDefault();
          input.value = '';
          clear();
        } else {
          input.blur();
        }
      }
    });

    // Keep the focus in the box while a result is clicked.
    box.addEventListener('mousedown', function (e) { e.preventDefault(); });

    input.addEventListener('blur', function () {
      setTimeout(function () {
        if (!container.contains(document.activeElement)) close();
      }, 0);
    });

    document.addEventListener('click', function (e) {
      if (!box.hidden && !container.contains(e.target)) close();
    });

    // "/" jumps to the search box from anywhere but a text field.
    document.addEventListener('keydown', function (e) {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      var t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      e.preventDefault();
      if (root.classList.contains('nav-open')) {
        var menu = document.querySelector('.menu-toggle');
        if (menu) menu.click();
      }
      input.focus();
      input.select();
    });
  }

  /* ---------------------------------------------------- 404 suggestions */

  function initNotFound() {
    var box = document.querySelector('.not-found-suggestions');
    if (!box) return;
    var list = box.querySelector('ul');
    var path = window.location.pathname;
    try { path = decodeURIComponent(path); } catch (e) { /* keep it */ }
    if (basePath && path.indexOf(basePath) === 0) path = path.slice(basePath.length);
    var words = path.toLowerCase().split(/[\/\-_.+\s]+/).filter(function (w) {
      return w.length > 2 && !/^(index|html?|md|handbook|the|and)$/.test(w);
    });
    if (!words.length || !list) return;
    // Longest (most specific) words first, alone, when all together find nothing.
    var tries = [words.join(' ')].concat(words.slice().sort(function (a, b) { return b.length - a.length; }));

    function attempt(engine, i) {
      if (i >= tries.length) return Promise.resolve(null);
      return engine.search(tries[i], 5).then(function (found) {
        return found.results.length ? found : attempt(engine, i + 1);
      });
    }

    search.load().then(function (engine) { return attempt(engine, 0); }).then(function (found) {
      if (!found) return;
      found.results.forEach(function (r) {
        var li = document.createElement('li');
        li.className = 'card';
        var a = document.createElement('a');
        a.className = 'card-link';
        a.href = r.page;
        a.textContent = r.title || r.page;
        li.appendChild(a);
        if (r.excerpt) {
          var p = document.createElement('p');
          p.className = 'card-description';
          p.textContent = r.excerpt;
          li.appendChild(p);
        }
        list.appendChild(li);
      });
      box.hidden = false;
    }, function () { /* no index: nothing to suggest */ });
  }

  /* --------------------------------------------------- misc enhancements */

  function initBackToTop() {
    document.addEventListener('click', function (e) {
      var link = e.target.closest ? e.target.closest('a.back-to-top') : null;
      if (!link || link.getAttribute('href') !== '#') return;
      e.preventDefault();
      window.scrollTo(0, 0);
      var main = document.getElementById('main');
      if (main) {
        try { main.focus({ preventScroll: true }); } catch (err) { main.focus(); }
      }
    });
  }

  function initPrint() {
    var opened = [];
    window.addEventListener('beforeprint', function () {
      opened = Array.prototype.slice.call(document.querySelectorAll('#main details:not([open])'));
      opened.forEach(function (d) { d.open = true; });
    });
    window.addEventListener('afterprint', function () {
      opened.forEach(function (d) { d.open = false; });
      opened = [];
    });
  }

  /* ------------------------------------------- what pages set themselves */

  // An embed (slides, sheets, forms) keeps its width and height attributes'
  // shape at any width: on a phone it shrinks instead of becoming a strip.
  function initEmbeds() {
    document.querySelectorAll('#main iframe[width][height]').forEach(function (frame) {
      if (frame.closest('.video_container')) return;
      var w = parseFloat(frame.getAttribute('width'));
      var h = parseFloat(frame.getAttribute('height'));
      if (!(w > 0 && h > 0)) return;
      frame.style.aspectRatio = w + ' / ' + h;
      frame.style.height = 'auto';
    });
  }

  // Colours the page sets itself are kept readable by js/page-colours.js,
  // which only pages that set colours load.

  /* ------------------------------------------------ math and diagrams */

  // The page loads KaTeX and mermaid only when it has math or diagrams; the
  // TeX and the diagram source stay readable when they do not load.
  function initMath() {
    if (!window.katex) return;
    document.querySelectorAll('.math-inline, .math-display').forEach(function (el) {
      try {
        window.katex.render(el.textContent, el, {
          displayMode: el.classList.contains('math-display'),
          throwOnError: false
        });
      } catch (e) { /* the TeX stays as text */ }
    });
  }

  function initDiagrams() {
    if (!window.mermaid) return;
    window.mermaid.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      theme: effectiveTheme() === 'dark' ? 'dark' : 'default'
    });
    window.mermaid.run({ querySelector: 'pre.mermaid' });
  }

  // KaTeX and mermaid are deferred scripts after this one: they have run
  // when DOMContentLoaded fires (or at the latest at load).
  function afterDeferredScripts(fn) {
    var done = false;
    function once() {
      if (done) return;
      done = true;
      try { fn(); } catch (e) {
        if (window.console) console.error('handbook.js:', e);
      }
    }
    if (document.readyState === 'complete') once();
    else {
      document.addEventListener('DOMContentLoaded', once);
      window.addEventListener('load', once);
    }
  }

  function initTypesetting() {
    afterDeferredScripts(function () {
      initMath();
      initDiagrams();
    });
  }

  function init() {
    var steps = [initThemeToggle, initMenu, initAnchors, initCopyButtons, initScrollables,
      initTocHighlight, initSearch, initNotFound, initBackToTop, initPrint, initTypesetting,
      initEmbeds];
    steps.forEach(function (step) {
      try { step(); } catch (e) {
        if (window.console) console.error('handbook.js:', e);
      }
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
