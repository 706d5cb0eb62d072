// The whole-graph page: pan, zoom and search-to-highlight on the SVG laid out at build time.
(() => {
  const svg = document.querySelector("svg.whole-graph");
  if (!svg) return;
  const nodes = [...svg.querySelectorAll("a.g-node")];
  let [x, y, w, h] = svg.getAttribute("viewBox").split(" ").map(Number);
  const full = { x, y, w, h };
  const show = () => {
    svg.setAttribute("viewBox", `${x} ${y} ${w} ${h}`);
    // Keep circles and labels a readable size on screen at every zoom.
    svg.style.setProperty("--r", `${Math.max(7, w / 500)}px`);
    svg.style.setProperty("--font", `${Math.max(12, w / 90)}px`);
  };
  const toSvg = (event) => {
    const box = svg.getBoundingClientRect();
    return [x + (event.clientX - box.left) / box.width * w, y + (event.clientY - box.top) / box.height * h];
  };
  svg.addEventListener("wheel", (event) => {
    event.preventDefault();
    const [px, py] = toSvg(event);
    const factor = Math.exp(event.deltaY * 0.0015);
    const nw = Math.min(full.w * 2, Math.max(full.w / 400, w * factor));
    const scale = nw / w;
    x = px - (px - x) * scale; y = py - (py - y) * scale; w = nw; h = h * scale;
    show();
  }, { passive: false });
  let drag = null;
  let moved = false;
  svg.addEventListener("pointerdown", (event) => { drag = { cx: event.clientX, cy: event.clientY, x, y }; moved = false; });
  window.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const box = svg.getBoundingClientRect();
    const dx = event.clientX - drag.cx, dy = event.clientY - drag.cy;
    if (Math.abs(dx) + Math.abs(dy) > 4) moved = true;
    x = drag.x - dx / box.width * w; y = drag.y - dy / box.height * h;
    if (moved) show();
  });
  window.addEventListener("pointerup", () => { drag = null; });
  svg.addEventListener("click", (event) => { if (moved) { event.preventDefault(); moved = false; } }, true);

  const tools = document.querySelector(".graph-tools");
  const input = document.getElementById("graph-search");
  const found = document.getElementById("graph-found");
  tools.hidden = false;
  input.addEventListener("input", () => {
    const query = input.value.trim().toLowerCase();
    let hits = 0;
    for (const node of nodes) {
      const hit = query !== "" && node.dataset.t.includes(query);
      node.classList.toggle("hit", hit);
      if (hit) hits++;
    }
    svg.classList.toggle("searching", query !== "");
    found.textContent = query === "" ? "" : `${hits} found`;
  });
  document.documentElement.dataset.graphReady = String(Math.round(performance.now()));
})();
