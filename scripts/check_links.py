#!/usr/bin/env python3
"""Checks a built site: every relative link and asset (href, src) of every HTML page must
lead to a file of the site, and every #fragment to an id on the page it leads to.

Usage: scripts/check_links.py OUTPUT_DIR
Prints each broken link as `page: url` and a summary; exits 1 if any is broken.
"""

import os
import sys
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit


class Page(HTMLParser):
    """The links and ids of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src"):
                self.links.append(value)
            elif name == "id":
                self.ids.add(value)


def read(path):
    page = Page()
    with open(path, encoding="utf-8", errors="replace") as f:
        page.feed(f.read())
    return page


def main(out):
    pages, broken, checked = {}, [], 0
    for folder, _, files in os.walk(out):
        for name in files:
            if name.endswith(".html"):
                path = os.path.join(folder, name)
                pages[os.path.normpath(path)] = read(path)
    for path, page in sorted(pages.items()):
        if os.path.relpath(path, out) == "404.html":
            continue  # served at any depth
        for url in page.links:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                continue
            checked += 1
            target = path
            if parts.path:
                target = os.path.normpath(os.path.join(os.path.dirname(path), unquote(parts.path)))
                if url.split("#")[0].endswith("/") or os.path.isdir(target):
                    target = os.path.join(target, "index.html")
            if not os.path.isfile(target):
                broken.append(f"{os.path.relpath(path, out)}: {url}")
                continue
            if parts.fragment:
                ids = pages[target].ids if target in pages else set()
                if unquote(parts.fragment) not in ids and parts.fragment not in ids:
                    broken.append(f"{os.path.relpath(path, out)}: {url} (no such anchor)")
    for line in broken:
        print(line)
    print(f"{len(pages)} pages, {checked} internal links and assets, {len(broken)} broken")
    return 1 if broken else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
