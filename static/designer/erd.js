// ER diagrams: zoom and pan (svg-pan-zoom), and clicks on tables answered by htmx.
// Without JavaScript the diagram is a plain SVG whose tables are links.
(() => {
  const XLINK = "http://www.w3.org/1999/xlink";

  function setUp(root) {
    const svgs = root.matches && root.matches(".erd-canvas svg") ? [root] : root.querySelectorAll(".erd-canvas svg");
    svgs.forEach((svg) => {
      if (svg.dataset.panZoom || !window.svgPanZoom) return;
      svg.dataset.panZoom = "on";
      const canvas = svg.closest(".erd-canvas");
      // As tall as the drawing (Graphviz sizes it in points), at most 70% of the window.
      const height = parseFloat(svg.getAttribute("height")) * (4 / 3);
      if (height) canvas.style.height = `min(70vh, ${Math.ceil(height) + 24}px)`;
      canvas.classList.add("zoomable");
      // Set through the style object, which the Content-Security-Policy allows; svg-pan-zoom
      // would otherwise write a style attribute, which it refuses.
      svg.style.overflow = "hidden";
      const zoom = window.svgPanZoom(svg, {
        controlIconsEnabled: true,
        dblClickZoomEnabled: false,
        fit: true,
        center: true,
        minZoom: 0.02,
        maxZoom: 40,
        zoomScaleSensitivity: 0.3,
      });
      // Fit a large drawing to the canvas, but show a small one at its natural size.
      const natural = 4 / 3; // pixels per point
      const real = zoom.getSizes().realZoom;
      if (real > natural) {
        zoom.zoom(natural / real);
        zoom.center();
      }
    });
  }

  // A table's link opens it in the editor's panel (the draft editor), or redraws the diagram
  // (a focus, a group of the overview); anything else is followed as a plain link.
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest(".erd-canvas a");
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
      window.htmx.ajax("GET", url.pathname + url.search, { target: "#erd", swap: "outerHTML" });
    }
  });

  // The diagram on a page as served, then each one htmx swaps in (setUp runs once per SVG).
  document.addEventListener("DOMContentLoaded", () => {
    setUp(document);
    if (window.htmx) window.htmx.onLoad(setUp);
  });
})();
