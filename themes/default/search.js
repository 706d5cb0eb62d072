// cardweb: search as you type, and previews of linked concepts. Both read the search index
// under search/ (made by src/search.rs), loaded as scripts when first needed, so that they
// work on any static host and from file:// too. Without JavaScript the search link leads to
// the list of all concepts, and links are plain links.
(() => {
  const root = new URL("../", document.currentScript.src);
  const index = { meta: null, shards: new Map(), records: new Map() };
  window.cardwebSearch = {
    meta: (meta) => { index.meta = { ...meta, shards: new Set(meta.shards) }; },
    shard: (key, words) => index.shards.set(key, words),
    records: (chunk, list) => index.records.set(chunk, list),
    // For tests and benchmarks: the records a query finds, best first.
    find: (query) => search(query).then((found) => found.records),
  };

  const loading = new Map();
  const load = (path) => {
    if (!loading.has(path)) {
      loading.set(path, new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = new URL(path, root).href;
        script.onload = resolve;
        script.onerror = () => reject(new Error(`cannot load ${path}`));
        document.head.append(script);
      }));
    }
    return loading.get(path);
  };
  const meta = async () => { await load("search/meta.js"); return index.meta; };

  // Words as src/words.rs cuts them: runs of letters and digits, lower-cased.
  const words = (text) => (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) || [])
    .filter((w) => [...w].length > 1 || /^[0-9]$/.test(w))
    .map((w) => [...w].slice(0, 40).join(""));
  const fileName = (key) => [...key]
    .map((c) => (/[a-z0-9]/.test(c) ? c : `_${c.codePointAt(0).toString(16)}`)).join("");
  // The words that may answer `word`: from the shard of the longest key that starts it
  // (big shards are split by longer keys), and if the word is that key, from the shards
  // of the words it starts.
  const shard = async (word) => {
    const { shards } = await meta();
    const letters = [...word];
    for (let n = Math.min(letters.length, 6); n >= 1; n--) {
      const key = letters.slice(0, n).join("");
      if (!shards.has(key)) continue;
      const longer = n === letters.length
        ? [...shards].filter((k) => k.length > key.length && k.startsWith(key)).slice(0, 8)
        : [];
      const keys = [key, ...longer];
      await Promise.all(keys.map((k) => load(`search/t/${fileName(k)}.js`)));
      return Object.assign({}, ...keys.map((k) => index.shards.get(k) || {}));
    }
    return {};
  };
  // A word's records: base-36 distances from the record before, each with its weight.
  const decoded = new Map();
  const postings = (encoded) => {
    if (!decoded.has(encoded)) {
      let record = 0;
      decoded.set(encoded, encoded.split(",").map((p) => {
        record += parseInt(p.slice(0, -1), 36);
        return [record, Number(p.slice(-1))];
      }));
    }
    return decoded.get(encoded);
  };
  // Edits (insert, delete, change, swap two letters) from a to b, or max + 1 if more.
  const distance = (a, b, max) => {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    let before = null;
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
        if (before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          row[j] = Math.min(row[j], before[j - 2] + 1);
        }
      }
      if (Math.min(...row) > max) return max + 1;
      [before, previous] = [previous, row];
    }
    return previous[b.length];
  };
  // How well an indexed word answers a word of the query: whole, as its start, or with a
  // typo (one in four letters or more, two in eight or more).
  const quality = (query, word) => {
    if (word === query) return 1;
    if (word.startsWith(query)) return 0.8;
    const typos = query.length >= 8 ? 2 : query.length >= 4 ? 1 : 0;
    if (!typos) return 0;
    if (distance(query, word, typos) <= typos) return 0.6;
    if (word.length > query.length && distance(query, word.slice(0, query.length), typos) <= typos) return 0.5;
    return 0;
  };

  const record = async (n) => {
    const { starts } = await meta();
    let chunk = starts.length - 1;
    while (chunk > 0 && starts[chunk] > n) chunk--;
    await load(`search/r/${chunk}.js`);
    return index.records.get(chunk)[n - starts[chunk]];
  };
  const fnv = (text) => {
    let hash = 0x811c9dc5;
    for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
    return hash;
  };
  const recordOf = async (id) => {
    const chunk = fnv(id) % (await meta()).chunks;
    await load(`search/r/${chunk}.js`);
    return (index.records.get(chunk) || []).find((r) => r[0] === id);
  };

  // The ten best records for `query`, with the indexed words that matched it.
  const search = async (query) => {
    const terms = [...new Set(words(query))];
    const scores = new Map();
    const matched = new Set();
    for (const term of terms) {
      const best = new Map();
      for (const [word, encoded] of Object.entries(await shard(term))) {
        const q = quality(term, word);
        if (!q) continue;
        matched.add(word);
        for (const [n, weight] of postings(encoded)) best.set(n, Math.max(best.get(n) || 0, q * weight));
      }
      for (const [n, score] of best) {
        const s = scores.get(n) || { score: 0, terms: 0 };
        scores.set(n, { score: s.score + score, terms: s.terms + 1 });
      }
    }
    const all = [...scores].filter(([, s]) => s.terms === terms.length);
    const ranked = (all.length ? all : [...scores])
      .sort((a, b) => b[1].score - a[1].score || a[0] - b[0]).slice(0, 10);
    const records = await Promise.all(ranked.map(([n]) => record(n)));
    // Of records that score the same, the shorter title matches the query more closely.
    const order = ranked.map(([, s], i) => [s.score, records[i][1].length, i])
      .sort((a, b) => b[0] - a[0] || a[1] - b[1] || a[2] - b[2]);
    return { records: order.map(([, , i]) => records[i]), matched, terms };
  };

  const element = (tag, className, text) => {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text) e.textContent = text;
    return e;
  };
  // `text` with the words that matched marked.
  const marked = (text, matched, terms) => {
    const out = document.createDocumentFragment();
    for (const part of text.split(/([\p{L}\p{N}]+)/u)) {
      const w = part.toLowerCase();
      const hit = part && (matched.has(w) || terms.some((t) => w.startsWith(t)));
      out.append(hit ? element("mark", "", part) : part);
    }
    return out;
  };
  // Opened from disk, no server turns a folder into its index page.
  const indexFile = location.protocol === "file:" ? "index.html" : "";
  const pageOf = (id) => new URL(`${encodeURIComponent(id)}/${indexFile}`, root).href;

  // The search dialog: `/` or Ctrl-K opens it, arrows choose, Enter goes.
  const opener = document.querySelector("a.search-open");
  if (opener) {
    const dialog = element("dialog", "search-dialog");
    dialog.setAttribute("aria-label", "Search");
    const input = element("input", "search-input");
    Object.assign(input, { type: "search", placeholder: "Search concepts", autocomplete: "off" });
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-label", "Search concepts");
    input.setAttribute("aria-controls", "cw-results");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    const list = element("ul", "search-results");
    list.id = "cw-results";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Results");
    const status = element("p", "search-status");
    status.setAttribute("aria-live", "polite");
    const hint = element("p", "search-hint", "↑ ↓ to choose, Enter to open, Esc to close");
    dialog.append(input, status, list, hint);
    document.body.append(dialog);

    let options = [];
    let chosen = -1;
    const choose = (i) => {
      options.forEach((o, j) => o.setAttribute("aria-selected", String(j === i)));
      chosen = i;
      if (options[i]) {
        input.setAttribute("aria-activedescendant", options[i].id);
        options[i].scrollIntoView({ block: "nearest" });
      } else input.removeAttribute("aria-activedescendant");
    };
    let asked = 0;
    const show = async () => {
      const query = input.value;
      const ask = ++asked;
      if (!words(query).length) {
        list.replaceChildren();
        options = [];
        status.textContent = "";
        input.setAttribute("aria-expanded", "false");
        return;
      }
      let found;
      try {
        found = await search(query);
      } catch (error) {
        status.textContent = "Search is not available here.";
        return;
      }
      if (ask !== asked) return;
      options = found.records.map((r, i) => {
        const [id, title, state, summary, wanted] = r;
        const option = element("li", "search-result");
        option.id = `cw-result-${i}`;
        option.setAttribute("role", "option");
        // An option holds no link (a listbox's options are not containers of controls):
        // it leads to its page itself.
        option.dataset.href = pageOf(id);
        const name = element("span", `search-title status-${state}`);
        name.append(marked(title, found.matched, found.terms));
        option.append(name);
        if (state !== "complete") option.append(" ", element("span", `status status-${state}`, state));
        const about = state === "stub" ? `Not written yet${wanted ? `; wanted by ${wanted}` : ""}.` : summary;
        if (about) {
          const p = element("p", "search-summary");
          p.append(marked(about, found.matched, found.terms));
          option.append(p);
        }
        option.addEventListener("click", () => { location.href = option.dataset.href; });
        return option;
      });
      list.replaceChildren(...options);
      input.setAttribute("aria-expanded", String(options.length > 0));
      status.textContent = options.length ? `${options.length} result${options.length > 1 ? "s" : ""}` : "Nothing found.";
      choose(options.length ? 0 : -1);
    };
    input.addEventListener("input", show);
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" && options.length) { e.preventDefault(); choose((chosen + 1) % options.length); }
      if (e.key === "ArrowUp" && options.length) { e.preventDefault(); choose((chosen - 1 + options.length) % options.length); }
      if (e.key === "Enter" && options[chosen]) { e.preventDefault(); location.href = options[chosen].dataset.href; }
    });
    dialog.addEventListener("click", (e) => { if (e.target === dialog) dialog.close(); });
    const open = () => { if (!dialog.open) dialog.showModal(); input.select(); };
    opener.addEventListener("click", (e) => { e.preventDefault(); open(); });
    opener.setAttribute("aria-keyshortcuts", "/ Control+K");
    document.addEventListener("keydown", (e) => {
      const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement?.tagName) || document.activeElement?.isContentEditable;
      if ((e.key === "/" && !typing) || (e.key.toLowerCase() === "k" && (e.ctrlKey || e.metaKey))) {
        e.preventDefault();
        open();
      }
    });
  }

  // Previews: hovering or focusing a link to a concept shows what it is.
  const preview = element("div", "link-preview");
  preview.id = "cw-preview";
  preview.setAttribute("role", "tooltip");
  preview.hidden = true;
  document.body.append(preview);
  let showing = null;
  let timer = 0;
  const hide = () => {
    clearTimeout(timer);
    preview.hidden = true;
    showing?.removeAttribute("aria-describedby");
    showing = null;
  };
  const idOf = (link) => {
    const url = new URL(link.href);
    if (!url.href.startsWith(root.href)) return null;
    const [id, rest] = url.href.slice(root.href.length).split("/");
    return rest === undefined || rest.startsWith("#") || rest === "" ? decodeURIComponent(id) : null;
  };
  const show = async (link) => {
    const id = idOf(link);
    if (!id) return;
    let found;
    try { found = await recordOf(id); } catch (error) { return; }
    if (!found || showing !== link) return;
    const [, title, state, summary, wanted] = found;
    const head = element("p", "link-preview-title", title);
    if (state !== "complete") head.append(" ", element("span", `status status-${state}`, state));
    const about = state === "stub" ? `Not written yet${wanted ? `; wanted by ${wanted}` : ""}.` : summary;
    preview.replaceChildren(head, ...(about ? [element("p", "link-preview-summary", about)] : []));
    const box = link.getBoundingClientRect();
    preview.style.left = `${Math.max(8, Math.min(box.left + scrollX, scrollX + innerWidth - 340))}px`;
    preview.style.top = `${box.bottom + scrollY + 6}px`;
    preview.hidden = false;
    link.setAttribute("aria-describedby", preview.id);
  };
  const start = (link, delay) => {
    if (showing === link) return;
    hide();
    showing = link;
    timer = setTimeout(() => show(link), delay);
  };
  const concept = (e) => e.target.closest?.("main a.card-link, main a.stub-link");
  // A mouse, not a finger: on touch screens a tap follows the link as it is.
  document.addEventListener("pointerover", (e) => {
    const link = concept(e);
    if (link && e.pointerType === "mouse") start(link, 300);
  });
  document.addEventListener("pointerout", (e) => { if (concept(e) === showing) hide(); });
  document.addEventListener("focusin", (e) => { const link = concept(e); if (link) start(link, 0); });
  document.addEventListener("focusout", (e) => { if (concept(e) === showing) hide(); });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") hide(); });
})();
