// ER diagrams: zoom and pan (svg-pan-zoom), clicks on tables answered by htmx, the search box
// (keyboard-first), and the view's state in the address (docs/erd.md, Finding your way).
// Without JavaScript the diagram is a plain SVG whose tables are links.
(() => {
  const XLINK = "http://www.w3.org/1999/xlink";
  const PLACE = ["z", "x", "y"]; // zoom and pan: replaced in the address, never a new entry
  const NATURAL = 4 / 3; // pixels per point: Graphviz's text at its own size
  // The least pixels per point a drawing opens at: its 11-point text 10 px high. A drawing that
  // fits the canvas only smaller opens at this zoom instead, at its top left corner (an
  // overview of groups: at its middle), and the controls zoom out.
  const LEGIBLE = 10 / 11;
  let restoring = false; // a popstate's redraw: no new history entry for it

  // The query without zoom and pan: what names the view.
  function viewQuery(search) {
    const params = new URLSearchParams(search);
    PLACE.forEach((key) => params.delete(key));
    return params.toString();
  }

  // The diagram page itself (not a panel inside the version page or the editor): only there does
  // the address follow the view.
  function standalone(erd) {
    return erd && new URL(erd.dataset.erdUrl, window.location.href).pathname === window.location.pathname;
  }

  function setPlace(zoom) {
    const params = new URLSearchParams(window.location.search);
    const pan = zoom.getPan();
    params.set("z", zoom.getZoom().toFixed(3));
    params.set("x", Math.round(pan.x));
    params.set("y", Math.round(pan.y));
    window.history.replaceState(window.history.state, "", `${window.location.pathname}?${params}`);
  }

  // Zoom to a legible size (the drawing's natural size, or less if the table is bigger than the
  // canvas) and pan the table's box to the middle of the canvas. Worked out from the drawing's
  // own coordinates: svg-pan-zoom applies its transform at the next frame, so the boxes the page
  // reports right after a zoom are still the old ones.
  function centreOn(zoom, svg, node) {
    const viewport = svg.querySelector(".svg-pan-zoom_viewport");
    const within = viewport.getCTM().inverse().multiply(node.getCTM());
    const box = node.getBBox();
    const corner = (x, y) => new DOMPoint(x, y).matrixTransform(within);
    const a = corner(box.x, box.y);
    const b = corner(box.x + box.width, box.y + box.height);
    const [width, height] = [Math.abs(b.x - a.x), Math.abs(b.y - a.y)];
    const sizes = zoom.getSizes();
    const base = sizes.realZoom / zoom.getZoom();
    const real = Math.min(NATURAL, (0.9 * sizes.width) / width, (0.9 * sizes.height) / height);
    zoom.zoom(real / base);
    zoom.pan({
      x: sizes.width / 2 - ((a.x + b.x) / 2) * real,
      y: sizes.height / 2 - ((a.y + b.y) / 2) * real,
    });
  }

  function setUp(root) {
    const svgs = root.matches && root.matches(".erd-canvas svg") ? [root] : root.querySelectorAll(".erd-canvas svg");
    svgs.forEach((svg) => {
      if (svg.dataset.panZoom || !window.svgPanZoom) return;
      svg.dataset.panZoom = "on";
      const canvas = svg.closest(".erd-canvas");
      const erd = svg.closest(".erd");
      // As tall as the drawing (Graphviz sizes it in points), at most 70% of the window.
      const height = parseFloat(svg.getAttribute("height")) * NATURAL;
      if (height) canvas.style.height = `min(70vh, ${Math.ceil(height) + 24}px)`;
      canvas.classList.add("zoomable");
      // Set through the style object, which the Content-Security-Policy allows; svg-pan-zoom
      // would otherwise write a style attribute, which it refuses.
      svg.style.overflow = "hidden";
      let timer = null;
      const tracked = standalone(erd);
      const moved = () => {
        if (!tracked) return;
        window.clearTimeout(timer);
        timer = window.setTimeout(() => setPlace(zoom), 250);
      };
      const zoom = window.svgPanZoom(svg, {
        controlIconsEnabled: true,
        dblClickZoomEnabled: false,
        fit: true,
        center: true,
        minZoom: 0.02,
        maxZoom: 400,
        zoomScaleSensitivity: 0.3,
      });
      // Fit a drawing to the canvas, but show a small one at its natural size and a large one
      // no smaller than legible.
      const real = zoom.getSizes().realZoom;
      const shrunk = real < LEGIBLE;
      if (real > NATURAL) {
        zoom.zoom(NATURAL / real);
        zoom.center();
      } else if (shrunk) {
        zoom.zoom(LEGIBLE / real);
        if (!svg.querySelector("g.node[id^='erd_g']")) zoom.pan({ x: 12, y: 12 });
        else zoom.center();
      }
      const params = new URLSearchParams(window.location.search);
      const at = erd && erd.dataset.at;
      // The table to centre on: the one a search landed on (marked), else, in a drawing too
      // large to show whole legibly, the focus table.
      const focus = shrunk && erd && new URLSearchParams(erd.dataset.query || "").get("focus");
      const middle = at || focus;
      const node = middle ? [...svg.querySelectorAll("g.node[data-table]")].find((g) => g.dataset.table === middle) : null;
      if (node && at) node.classList.add("erd-current");
      // A shared address's zoom and pan, when they are numbers (a hand-edited one is ignored).
      const place = PLACE.map((key) => Number(params.get(key)));
      const placed = PLACE.every((key) => params.has(key)) && place.every(Number.isFinite) && place[0] > 0;
      if (tracked && placed && viewQuery(window.location.search) === viewQuery(erd.dataset.query)) {
        zoom.zoom(place[0]);
        zoom.pan({ x: place[1], y: place[2] });
      } else if (node) {
        centreOn(zoom, svg, node);
        if (tracked) setPlace(zoom);
      }
      zoom.setOnZoom(moved);
      zoom.setOnPan(moved);
    });
    // A new view swapped in by the user's navigation: a new history entry (a poll of the
    // placeholder and a back/forward redraw bring the same view: none).
    const erd = root.id === "erd" ? root : root.querySelector && root.querySelector("#erd");
    if (erd && standalone(erd) && !restoring && viewQuery(erd.dataset.query) !== viewQuery(window.location.search)) {
      const query = erd.dataset.query;
      window.history.pushState({ erd: true }, "", window.location.pathname + (query ? `?${query}` : ""));
    }
    if (erd) restoring = false;
  }

  function open(href) {
    window.htmx.ajax("GET", href, { target: "#erd", swap: "outerHTML" });
  }

  // A table's link opens it in the editor's panel (the draft editor), or redraws the diagram
  // (a focus, a group of the overview, a search match); anything else is followed as a plain link.
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest(".erd-canvas a, .erd-search-results a");
    if (!link || !window.htmx || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const href = link.getAttribute("href") || link.getAttributeNS(XLINK, "href");
    const erd = link.closest(".erd");
    if (!href || !erd) return;
    const url = new URL(href, window.location.href);
    const table = url.searchParams.get("table");
    const panel = document.getElementById("table-panel");
    if (table && panel && erd.dataset.panelUrl) {
      event.preventDefault();
      window.htmx.ajax("GET", erd.dataset.panelUrl.replace("__key__", encodeURIComponent(table)), {
        target: "#table-panel",
        swap: "outerHTML",
      }).then(() => {
        const opened = document.getElementById("table-panel");
        if (opened) opened.scrollIntoView({ behavior: "smooth", block: "start" });
      });
      window.history.pushState({}, "", url.pathname + url.search);
    } else if (url.pathname === new URL(erd.dataset.erdUrl, window.location.href).pathname) {
      event.preventDefault();
      open(url.pathname + url.search);
    }
  });

  // The search: "/" focuses it, arrows move through the matches, Enter opens the chosen one.
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      const box = document.querySelector("#erd .erd-search-box");
      if (box) {
        event.preventDefault();
        box.focus();
        box.select();
      }
      return;
    }
    if (!target || !target.classList || !target.classList.contains("erd-search-box")) return;
    const results = target.closest(".erd").querySelector(".erd-search-results");
    const options = [...results.querySelectorAll("li")];
    const current = options.findIndex((li) => li.classList.contains("active"));
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!options.length) return;
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = current < 0 ? 0 : (current + step + options.length) % options.length;
      options.forEach((li, n) => {
        li.classList.toggle("active", n === next);
        li.setAttribute("aria-selected", n === next ? "true" : "false");
      });
      options[next].scrollIntoView({ block: "nearest" });
    } else if (event.key === "Enter" && window.htmx) {
      const list = results.querySelector("ul");
      event.preventDefault();
      if (list && options.length && list.dataset.find === target.value) {
        const link = options[Math.max(current, 0)].querySelector("a");
        if (link) open(link.getAttribute("href"));
      } else {
        // The matches shown are for what was typed before: search, then open the first.
        target.dataset.openWhenFound = "on";
        window.htmx.trigger(target.form, "submit");
      }
    } else if (event.key === "Escape") {
      results.innerHTML = "";
    }
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    const results = event.target;
    if (!results.classList || !results.classList.contains("erd-search-results")) return;
    const box = results.closest(".erd").querySelector(".erd-search-box");
    const list = results.querySelector("ul");
    if (!box || box.dataset.openWhenFound !== "on" || !list || list.dataset.find !== box.value) return;
    delete box.dataset.openWhenFound;
    const link = list.querySelector("a");
    if (link) open(link.getAttribute("href"));
  });

  // Back and forward: draw the view the address names.
  window.addEventListener("popstate", () => {
    const erd = document.getElementById("erd");
    if (!erd || !window.htmx || !standalone(erd)) return;
    restoring = true;
    window.htmx.ajax("GET", window.location.pathname + window.location.search, { target: "#erd", swap: "outerHTML" });
  });

  // The diagram on a page as served, then each one htmx swaps in (setUp runs once per SVG).
  document.addEventListener("DOMContentLoaded", () => {
    setUp(document);
    if (window.htmx) window.htmx.onLoad(setUp);
  });
})();
