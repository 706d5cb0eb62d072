// cardweb: draws the page's ```mermaid blocks with the vendored Mermaid script, in the
// page's colour scheme. Without JavaScript each block stays its readable source.
(() => {
  const dark = matchMedia("(prefers-color-scheme: dark)").matches;
  mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: dark ? "dark" : "default" });
  mermaid.run({ querySelector: "pre.mermaid" });
})();
