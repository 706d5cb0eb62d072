// cardweb serve: live reload and build-error overlay. Served only by `cardweb serve`,
// never part of `cardweb build` output.
(() => {
  const here = () => {
    const path = decodeURIComponent(location.pathname).replace(/^\//, "");
    return path === "" || path.endsWith("/") ? path + "index.html" : path;
  };
  let overlay = null;
  const hideOverlay = () => { if (overlay) { overlay.remove(); overlay = null; } };
  const showOverlay = (message) => {
    hideOverlay();
    overlay = document.createElement("div");
    overlay.id = "cardweb-error";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
      "background:#2b0d0d;color:#ffdcdc;font:14px/1.5 ui-monospace,monospace;padding:1rem 1.25rem;" +
      "border-top:4px solid #e5484d;box-shadow:0 -4px 24px rgba(0,0,0,.4)";
    const title = document.createElement("strong");
    title.textContent = "Build failed — still showing the last good version. Fix the card and save:";
    const text = document.createElement("pre");
    text.style.cssText = "white-space:pre-wrap;margin:.5rem 0 0";
    text.textContent = message;
    overlay.append(title, text);
    document.body.append(overlay);
  };
  const events = new EventSource("/_cardweb/events");
  events.addEventListener("reload", (e) => {
    const changed = JSON.parse(e.data);
    if (changed.includes(here())) location.reload();
    else hideOverlay();
  });
  events.addEventListener("build-error", (e) => showOverlay(JSON.parse(e.data)));
})();
