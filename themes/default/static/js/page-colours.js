// Colours a page sets itself (`style="background-color: #ffff00"`,
// `bgcolor`, `style="color: #393939"`, `<font color>`), kept readable in both
// themes. Loaded only by pages that set colours (`page.features.colours`).
//
// - Text on a background the page set gets black or white, whichever reads
//   better on it, unless the page's own text colour already reads (4.5:1).
// - Text the page coloured on the theme's background (dark grey written for
//   a white page, read in dark mode) is moved toward white or black, hue
//   kept, until it reads.
// The page's own colours are remembered, so a change of theme starts again
// from them.
(function () {
  'use strict';

  var READABLE = 4.5;
  var SELECTOR = '#main [style*="color"], #main [bgcolor], #main font[color]';

  function rgbOf(css) {
    var m = /rgba?\(([^)]+)\)/.exec(css || '');
    if (!m) return null;
    var parts = m[1].split(/[\s,/]+/).filter(Boolean).map(parseFloat);
    if (parts.length === 4 && parts[3] === 0) return null;
    return parts.slice(0, 3);
  }

  function luminance(rgb) {
    var c = rgb.map(function (v) {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }

  function contrast(a, b) {
    var la = luminance(a);
    var lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  // The colour behind an element: its own or its nearest ancestor's.
  function backgroundBehind(el) {
    for (var node = el; node && node.nodeType === 1; node = node.parentElement) {
      var rgb = rgbOf(getComputedStyle(node).backgroundColor);
      if (rgb) return rgb;
    }
    return [255, 255, 255];
  }

  function hasOwnBackground(el) {
    return el.hasAttribute('bgcolor') || /background/i.test(el.getAttribute('style') || '');
  }

  function hasOwnColour(el) {
    return el.hasAttribute('color') || /(^|;)\s*color\s*:/i.test(el.getAttribute('style') || '');
  }

  // `rgb` moved toward white (on a dark background) or black until it
  // reads on `bg`.
  function readable(rgb, bg) {
    var toward = luminance(bg) < 0.18 ? 255 : 0;
    for (var step = 1; step <= 10 && contrast(rgb, bg) < READABLE; step++) {
      rgb = rgb.map(function (v) { return Math.round(v + (toward - v) * 0.15); });
    }
    return contrast(rgb, bg) < READABLE ? (toward ? [255, 255, 255] : [0, 0, 0]) : rgb;
  }

  function apply() {
    document.querySelectorAll(SELECTOR).forEach(function (el) {
      // Start again from the page's own colour.
      if (el.hasAttribute('data-hb-colour')) el.style.color = el.getAttribute('data-hb-colour');
      else el.setAttribute('data-hb-colour', el.style.color);
      var ownBackground = hasOwnBackground(el) && rgbOf(getComputedStyle(el).backgroundColor);
      var text = rgbOf(getComputedStyle(el).color);
      if (ownBackground) {
        el.classList.add('hb-page-colour');
        if (hasOwnColour(el) && text && contrast(text, ownBackground) >= READABLE) return;
        var onBlack = contrast([0, 0, 0], ownBackground);
        var onWhite = contrast([255, 255, 255], ownBackground);
        el.style.color = onBlack >= onWhite ? '#000' : '#fff';
        return;
      }
      if (!hasOwnColour(el) || !text) return;
      var bg = backgroundBehind(el.parentElement || el);
      if (contrast(text, bg) >= READABLE) return;
      el.style.color = 'rgb(' + readable(text, bg).join(', ') + ')';
    });
  }

  function start() {
    apply();
    // The theme toggle sets data-theme; the system theme changes the media.
    new MutationObserver(apply).observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['data-theme']
    });
    var media = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)');
    if (media && media.addEventListener) media.addEventListener('change', apply);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
