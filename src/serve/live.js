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
  const handle = (name, data) => {
    if (name === "reload") {
      if (data.includes(here())) location.reload();
      else hideOverlay();
    } else if (name === "build-error") {
      showOverlay(data);
    }
  };
  // One event stream per browser, not per tab: a browser opens at most six connections to
  // a server, so a stream in every tab would keep a seventh tab from loading at all. The
  // tab holding the lock listens and passes each event on to the other tabs.
  const channel = "BroadcastChannel" in window ? new BroadcastChannel("cardweb-live") : null;
  let lastError = null;
  const listen = () => new Promise(() => {
    const events = new EventSource("/_cardweb/events");
    for (const name of ["reload", "build-error"]) {
      events.addEventListener(name, (e) => {
        const data = JSON.parse(e.data);
        lastError = name === "build-error" ? data : null;
        if (channel) channel.postMessage({ name, data });
        handle(name, data);
      });
    }
    if (channel) {
      channel.onmessage = (e) => {
        if (e.data.name === "hello" && lastError !== null) {
          channel.postMessage({ name: "build-error", data: lastError });
        }
      };
    }
  });
  if (channel && navigator.locks) {
    channel.onmessage = (e) => handle(e.data.name, e.data.data);
    channel.postMessage({ name: "hello" });
    navigator.locks.request("cardweb-live", listen);
  } else {
    listen();
  }

  // Stub pages: a button that starts the card (the page reloads once it is built).
  const start = document.querySelector("section.start-card[data-id]:not([data-has-file])");
  if (start) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "start-button";
    button.textContent = "Start this card";
    const status = document.createElement("p");
    status.setAttribute("aria-live", "polite");
    button.addEventListener("click", async () => {
      button.disabled = true;
      status.textContent = "Writing the card…";
      const response = await fetch("/_cardweb/new", {
        method: "POST",
        headers: { "X-Cardweb-Token": CARDWEB_TOKEN },
        body: start.dataset.id,
      });
      const answer = await response.json();
      status.textContent = response.ok ? `${answer.message}; opening it as soon as it is built…` : answer.message;
      if (!response.ok) button.disabled = false;
    });
    start.append(button, status);
  }
})();
