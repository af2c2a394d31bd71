/*
 * handbook default theme: progressive enhancements.
 *
 * Plain ES2017, no libraries. The only request it makes is for the site's own
 * search index (same origin), the first time the search box gets focus.
 * Every feature checks that its elements exist, so a site that overrides a
 * template and drops a part of the page loses nothing else.
 *
 *  - dark-mode toggle (remembered in localStorage as "handbook-theme")
 *  - phone menu toggle
 *  - "#" anchor links on h2-h4 headings that have an id
 *  - "Copy" buttons on pre.code blocks
 *  - current-section highlight in the "On this page" column
 *  - search: {base_path}/search-index.json =
 *      {"pages": [{"t": title, "u": url, "h": [[heading, anchor], ...], "b": body}]}
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

  var index = {
    pages: null,
    promise: null,
    failed: false,

    load: function () {
      var self = this;
      if (!self.promise) {
        self.promise = fetch(basePath + '/search-index.json', { credentials: 'same-origin' })
          .then(function (response) {
            if (!response.ok) throw new Error('search index: HTTP ' + response.status);
            return response.json();
          })
          .then(function (data) {
            if (!data || !Array.isArray(data.pages)) throw new Error('search index: no "pages"');
            self.pages = data.pages.map(preparePage);
            return self.pages;
          })
          .catch(function (err) {
            self.failed = true;
            throw err;
          });
      }
      return self.promise;
    }
  };

  function preparePage(p) {
    var title = String(p && p.t != null ? p.t : '');
    var url = String(p && p.u != null ? p.u : '');
    var body = String(p && p.b != null ? p.b : '');
    var headings = (p && Array.isArray(p.h) ? p.h : []).filter(Array.isArray).map(function (h) {
      return { text: String(h[0] != null ? h[0] : ''), anchor: String(h[1] != null ? h[1] : '') };
    });
    // A root-relative URL without the base path gets it (the index may hold either).
    if (basePath && url.charAt(0) === '/' && url !== basePath && url.indexOf(basePath + '/') !== 0) {
      url = basePath + url;
    }
    return {
      title: title,
      url: url,
      body: body,
      headings: headings,
      titleLc: title.toLowerCase(),
      bodyLc: body.toLowerCase(),
      headingsLc: headings.map(function (h) { return h.text.toLowerCase(); })
    };
  }

  function queryWords(query) {
    var seen = {};
    return query.toLowerCase().split(/\s+/).filter(function (w) {
      if (!w || seen[w]) return false;
      seen[w] = true;
      return true;
    });
  }

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }

  /* Pages matching every word (case-insensitive) in the title, a heading or
     the body; title matches rank first, then heading matches, then body. */
  function searchPages(pages, query, limit) {
    var words = queryWords(query);
    if (!words.length) return { words: [], total: 0, results: [] };
    var phrase = words.join(' ');
    var found = [];

    pages.forEach(function (p, order) {
      var inTitle = 0;
      var inHeadings = 0;
      var inBody = 0;
      for (var i = 0; i < words.length; i++) {
        var w = words[i];
        var t = p.titleLc.indexOf(w) !== -1;
        var h = p.headingsLc.some(function (x) { return x.indexOf(w) !== -1; });
        var b = p.bodyLc.indexOf(w) !== -1;
        if (!t && !h && !b) return;
        if (t) inTitle++;
        if (h) inHeadings++;
        if (b) inBody++;
      }
      var score = inTitle * 1000 + inHeadings * 30 + inBody;
      if (inTitle === words.length) score += 5000;
      if (p.titleLc === phrase) score += 20000;
      else if (p.titleLc.indexOf(phrase) === 0) score += 3000;

      // The heading that holds the most query words, to link straight to it.
      var best = null;
      var bestHits = 0;
      p.headingsLc.forEach(function (x, j) {
        var hits = 0;
        words.forEach(function (w) { if (x.indexOf(w) !== -1) hits++; });
        if (hits > bestHits) { bestHits = hits; best = p.headings[j]; }
      });

      found.push({ page: p, score: score, order: order, heading: inTitle < words.length ? best : null });
    });

    found.sort(function (a, b) {
      return b.score - a.score ||
        a.page.title.length - b.page.title.length ||
        a.order - b.order;
    });
    return { words: words, total: found.length, results: found.slice(0, limit || 10) };
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

  function excerpt(page, words) {
    var body = page.body;
    if (!body) return '';
    var at = -1;
    words.forEach(function (w) {
      var i = page.bodyLc.indexOf(w);
      if (i !== -1 && (at === -1 || i < at)) at = i;
    });
    if (at === -1) return body.length > 160 ? body.slice(0, 160).replace(/\s+\S*$/, '') + '…' : body;
    var start = Math.max(0, at - 60);
    var end = Math.min(body.length, at + 140);
    var text = body.slice(start, end);
    if (start > 0) text = '…' + text.replace(/^\S*\s+/, '');
    if (end < body.length) text = text.replace(/\s+\S*$/, '') + '…';
    return text;
  }

  function resultHref(r) {
    if (r.heading && r.heading.anchor) return r.page.url.split('#')[0] + '#' + r.heading.anchor;
    return r.page.url;
  }

  function initSearch() {
    var input = document.getElementById('search-input');
    var box = document.getElementById('search-results');
    if (!input || !box) return;
    var container = input.closest ? (input.closest('.search') || input.parentNode) : input.parentNode;
    var options = [];
    var selected = -1;
    var MAX = 10;

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

    function render(query) {
      if (index.failed) { message('Search is unavailable'); announce('Search is unavailable'); return; }
      if (!index.pages) { message('Loading…'); return; }
      var found = searchPages(index.pages, query, MAX);
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
        a.href = resultHref(r);
        a.tabIndex = -1;
        a.setAttribute('role', 'option');
        a.setAttribute('aria-selected', 'false');

        var title = document.createElement('span');
        title.className = 'search-result-title';
        title.appendChild(highlight(r.page.title || r.page.url, found.words));
        a.appendChild(title);

        if (r.heading) {
          var heading = document.createElement('span');
          heading.className = 'search-result-heading';
          heading.appendChild(highlight(r.heading.text, found.words));
          a.appendChild(heading);
        }

        var text = excerpt(r.page, found.words);
        if (text) {
          var ex = document.createElement('span');
          ex.className = 'search-result-excerpt';
          ex.appendChild(highlight(text, found.words));
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

    function run() {
      var query = input.value.trim();
      if (!query) { clear(); close(); return; }
      if (!index.pages && !index.failed) {
        message('Loading…');
        index.load().then(run, run);
        return;
      }
      render(query);
    }

    var runSoon = debounce(run, 80);

    input.addEventListener('focus', function () {
      index.load().then(function () {
        if (document.activeElement === input && input.value.trim()) run();
      }, function () {
        if (document.activeElement === input) { message('Search is unavailable'); }
      });
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

    index.load().then(function (pages) {
      var found = searchPages(pages, words.join(' '), 5);
      if (!found.results || !found.results.length) {
        // Try the most specific words alone, longest first.
        var byLength = words.slice().sort(function (a, b) { return b.length - a.length; });
        for (var i = 0; i < byLength.length; i++) {
          found = searchPages(pages, byLength[i], 5);
          if (found.results.length) break;
        }
      }
      if (!found.results || !found.results.length) return;
      found.results.forEach(function (r) {
        var li = document.createElement('li');
        li.className = 'card';
        var a = document.createElement('a');
        a.className = 'card-link';
        a.href = r.page.url;
        a.textContent = r.page.title || r.page.url;
        li.appendChild(a);
        var text = excerpt(r.page, found.words);
        if (text) {
          var p = document.createElement('p');
          p.className = 'card-description';
          p.textContent = text;
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

  function init() {
    var steps = [initThemeToggle, initMenu, initAnchors, initCopyButtons, initScrollables,
      initTocHighlight, initSearch, initNotFound, initBackToTop, initPrint];
    steps.forEach(function (step) {
      try { step(); } catch (e) {
        if (window.console) console.error('handbook.js:', e);
      }
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
