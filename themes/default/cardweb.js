// cardweb: small enhancements. Every page works without them: quizzes reveal their answers
// with <details>, and live panels explain in words what they would show.
(() => {
  // Where the site's root is, for the 404 page: it is served at any depth.
  try {
    const script = document.currentScript?.src;
    if (script) localStorage.setItem("cardweb-root", new URL("..", script).href);
  } catch (e) {}

  const element = (tag, className, text) => {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  };

  // The contents list is open beside the text on wide screens, folded on narrow ones.
  const toc = document.querySelector(".toc details");
  if (toc && matchMedia("(min-width: 72rem)").matches) toc.open = true;

  // Quizzes: clicking a choice says whether it is right.
  for (const quiz of document.querySelectorAll(".quiz")) {
    const feedback = element("p", "quiz-feedback");
    feedback.setAttribute("aria-live", "polite");
    quiz.querySelector(".quiz-choices")?.after(feedback);
    for (const choice of quiz.querySelectorAll(".quiz-choice")) {
      // A real button inside the list item: a list may hold only items.
      const button = element("button", "quiz-pick");
      button.type = "button";
      button.append(...choice.childNodes);
      choice.append(button);
      button.addEventListener("click", () => {
        const right = choice.dataset.correct === "true";
        choice.classList.add(right ? "picked-right" : "picked-wrong");
        feedback.textContent = right ? "Right!" : "Not quite. Try another choice, or show the answer.";
      });
    }
  }

  // Live panels: the request this browser sends and the response that comes back.
  const headerLines = (response) => [...response.headers].map(([name, value]) => `${name}: ${value}`);
  const message = (panel, title, lines, note) => {
    const part = element("section", "live-message");
    part.append(element("h4", "", title), element("pre", "", lines.join("\n")));
    if (note) part.append(element("p", "live-note", note));
    panel.append(part);
  };
  const livePanel = async (body) => {
    const panel = element("div", "live-panel");
    panel.setAttribute("aria-live", "polite");
    body.append(panel);
    let started = performance.now();
    // Only `cardweb serve` has an echo to ask (it adds its live script to every page); on a
    // static host, at whatever path, the panel asks for nothing that is not there.
    const served = document.querySelector('script[src="/_cardweb/live.js"]') !== null;
    try {
      if (!served) throw new Error("a static host");
      const response = await fetch("/_cardweb/echo", { cache: "no-store" });
      const type = response.headers.get("content-type") || "";
      const echo = response.ok && type.includes("json") ? await response.json() : null;
      const took = performance.now() - started;
      if (echo && echo.server === "cardweb") {
        message(panel, "Your browser sent this request…",
          [`${echo.method} ${echo.path} ${echo.http_version}`, ...echo.headers.map(([n, v]) => `${n}: ${v}`)],
          `From ${echo.client}, exactly as the server received it.`);
        message(panel, "…and the server answered",
          [`${echo.http_version} ${response.status} ${response.statusText}`, ...headerLines(response)],
          `Round trip: ${took.toFixed(1)} ms.`);
        const log = element("p", "live-note");
        const link = element("a", "", "request log");
        link.href = "/_cardweb/log";
        log.append("Open the ", link, " beside this page to watch every click become a request and a response.");
        panel.append(log);
        return;
      }
    } catch (_) { /* no cardweb server behind this page: show what a static host can */ }
    started = performance.now();
    try {
      const response = await fetch(location.href, { cache: "no-store" });
      const took = performance.now() - started;
      message(panel, "This page's server answered",
        [`HTTP ${response.status} ${response.statusText}`, ...headerLines(response)],
        `Round trip: ${took.toFixed(1)} ms. A static host can show only its response: served by ` +
        "`cardweb serve`, this panel also shows the request exactly as the server received it, " +
        "and a live log of every request.");
    } catch (error) {
      panel.append(element("p", "live-note", `The request failed: ${error}`));
    }
  };
  for (const body of document.querySelectorAll(".callout-live .callout-body")) livePanel(body);
})();
