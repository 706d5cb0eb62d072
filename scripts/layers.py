#!/usr/bin/env python3
"""The pipeline's stage order, checked: lists every `crate::` edge between cardweb's
top-level modules and fails on an edge that runs back up the declared order (which also
rules out every import cycle). The crate root (src/lib.rs, the pipeline) is `lib`.

    scripts/layers.py          # exit 1 (naming them) if any edge runs the wrong way
    scripts/layers.py --list   # and print every edge
"""
import re
import sys
from pathlib import Path

# Lowest first: a module may use only the modules before it.
ORDER = [
    "fs", "parallel", "scratch", "slug", "words", "html", "hashed_name", "diagnostic",  # helpers
    "site", "timings", "progress",
    "config",
    "markdown", "card",                           # reading
    "graph", "export", "search",                  # the knowledge graph, and its index
    "theme", "render", "output", "hosting",       # drawing and writing
    "lib",                                        # the pipeline
    "start", "project", "serve",                  # commands on top of it
]

SRC = Path(__file__).resolve().parent.parent / "src"


def module_of(path: Path) -> str:
    """The top-level module a source file belongs to."""
    rel = path.relative_to(SRC)
    if rel.parts == ("lib.rs",):
        return "lib"
    return rel.parts[0].removesuffix(".rs")


def used_names(text: str, at_root: bool) -> set:
    """The first path segment of every path that starts at the crate root."""
    text = re.sub(r"//.*", "", text)  # comments name modules too
    names = set()
    prefix = r"(?<![\w:])" if at_root else r"\bcrate::"
    for match in re.finditer(prefix + r"\{([^}]*)\}", text):  # use crate::{a, b::c}
        names.update(part.strip().split("::")[0] for part in match.group(1).split(","))
    for match in re.finditer(prefix + r"([a-z_][a-z0-9_]*)::", text):
        names.add(match.group(1))
    if not at_root:
        for match in re.finditer(r"\bcrate::([A-Za-z_]\w*)\b(?!::)", text):
            names.add(match.group(1))  # an item of the crate root
    return {n for n in names if n}


def edges():
    """Every (from, to) module pair with a `crate::` path between them."""
    found = set()
    modules = set(ORDER)
    for path in sorted(SRC.rglob("*.rs")):
        if path.name == "main.rs" and path.parent == SRC:
            continue  # the binary uses the library's public API
        source = module_of(path)
        for name in used_names(path.read_text(), source == "lib"):
            target = name if name in modules else ("lib" if source != "lib" else None)
            if target and target != source:
                found.add((source, target))
    return sorted(found, key=lambda e: (ORDER.index(e[0]), ORDER.index(e[1])))


def main() -> int:
    unknown = {module_of(p) for p in SRC.rglob("*.rs")} - set(ORDER) - {"main"}
    if unknown:
        print(f"modules missing from the stage order in {__file__}: {sorted(unknown)}")
        return 1
    wrong = []
    for source, target in edges():
        up = ORDER.index(target) > ORDER.index(source)
        if up or "--list" in sys.argv:
            print(f"{source:>10} -> {target:<10}{'  AGAINST THE ORDER' if up else ''}")
        if up:
            wrong.append((source, target))
    if wrong:
        print(f"{len(wrong)} imports run back up the pipeline (order: {' < '.join(ORDER)})")
        return 1
    print(f"no import runs back up the pipeline ({' < '.join(ORDER)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
