// handbook serve: live reload and error overlay (never part of a built site).
(function () {
  "use strict";
  if (!window.EventSource) return;
  var server = null;
  var overlay = null;
  var dismissed = "";

  function here() {
    var p = location.pathname;
    try { p = decodeURIComponent(p); } catch (e) {}
    return p.replace(/index\.html?$/, "");
  }

  function swapStylesheets() {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    var stamp = Date.now();
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.href, location.href);
      if (url.origin !== location.origin) return;
      url.searchParams.set("handbook-reload", stamp);
      var fresh = link.cloneNode();
      fresh.href = url.href;
      fresh.addEventListener("load", function () { link.remove(); });
      fresh.addEventListener("error", function () { link.remove(); });
      link.after(fresh);
    });
  }

  function hideOverlay() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  function showOverlay(data) {
    var key = JSON.stringify(data);
    if (!data.items.length) { hideOverlay(); dismissed = ""; return; }
    if (key === dismissed) return;
    hideOverlay();
    overlay = document.createElement("div");
    overlay.id = "handbook-overlay";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;z-index:2147483647;left:0;right:0;top:0;max-height:70vh;overflow:auto;" +
      "margin:0;padding:12px 16px;background:#1e1e1e;color:#f0f0f0;border-bottom:3px solid #e5534b;" +
      "font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;box-shadow:0 4px 16px rgba(0,0,0,.4)";
    var head = document.createElement("div");
    head.style.cssText = "display:flex;justify-content:space-between;align-items:center;margin-bottom:8px;font-weight:bold";
    var errors = data.items.filter(function (d) { return d.severity === "error"; }).length;
    var warnings = data.items.length - errors;
    var title = document.createElement("span");
    title.textContent = "handbook: " + errors + " error(s), " + warnings + " warning(s)" +
      (data.more ? " (and " + data.more + " more)" : "") +
      (errors ? "; the site shows the last good build" : "");
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "\u00d7";
    close.setAttribute("aria-label", "Dismiss");
    close.style.cssText = "font:inherit;font-size:18px;background:none;border:0;color:inherit;cursor:pointer";
    close.addEventListener("click", function () { dismissed = key; hideOverlay(); });
    head.appendChild(title);
    head.appendChild(close);
    overlay.appendChild(head);
    data.items.forEach(function (d) {
      var pre = document.createElement("pre");
      pre.className = "handbook-diagnostic handbook-" + d.severity;
      pre.style.cssText = "margin:0 0 10px;white-space:pre-wrap;color:" + (d.severity === "error" ? "#ff938a" : "#f2cc60");
      pre.textContent = d.text;
      overlay.appendChild(pre);
    });
    (document.body || document.documentElement).appendChild(overlay);
  }

  function connect() {
    var source = new EventSource("/__handbook/events?page=" + encodeURIComponent(location.pathname));
    source.addEventListener("hello", function (e) {
      var id = JSON.parse(e.data).server;
      if (server !== null && server !== id) { location.reload(); return; }
      server = id;
      // Lets tools (and the browser test) see that live reload is on.
      document.documentElement.setAttribute("data-handbook-live", "connected");
    });
    source.addEventListener("reload", function (e) {
      var data = JSON.parse(e.data);
      if (data.all || data.paths.indexOf(here()) >= 0) location.reload();
    });
    source.addEventListener("css", swapStylesheets);
    source.addEventListener("diagnostics", function (e) { showOverlay(JSON.parse(e.data)); });
  }
  connect();
})();
