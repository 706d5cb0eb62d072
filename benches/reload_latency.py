#!/usr/bin/env python3
"""Save-to-reload latency of `cardweb serve`: from a change on disk to the `reload` event
that names the page showing it, on /_cardweb/events, over N changes to different cards (each
undone before the next). Prints each and the median. Kinds of change:

  text          a sentence appended to a card (the common save)
  link          a sentence with a link to another card appended (changes the graph)
  stub          a sentence with a link to a concept not written yet appended (a new stub)
  front-matter  the card's `summary:` rewritten
  tag           a sentence with a tag (`#bench-i`, new to the site) appended
  status        the card made a draft (`status: draft`), or a draft made complete
  title         the card's `title:` changed
  add           a new card that links to the card, then removed again
  fill          a stub the card links to written up (a new card of the stub's name, beside
                the card, linking back to it), then removed again
  delete        the card's parent deleted (its page becomes a stub's), then put back
  move          the card moved to another folder (its id and page stay), then moved back;
                timed to the first reload (which pages change depends on the site: none, for
                a card with a parent whose folder lists only the cards without one)

Each card's page is found with `cardweb graph` (which names each card's file), so any
folder of cards will do (the generated corpus, an Obsidian vault); `delete` needs cards
with a `parent:` card, `fill` cards that link to a stub.

    benches/reload_latency.py SITE_DIR [--edits 20] [--change KIND] [--cardweb target/release/cardweb]
"""
import argparse, glob, json, os, re, socket, statistics, subprocess, time

KINDS = ["text", "link", "stub", "front-matter", "tag", "status", "title", "add", "fill", "delete", "move"]


class Events:
    """The server's event stream, read one event at a time."""

    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=120)
        self.sock.sendall(b"GET /_cardweb/events HTTP/1.1\r\nHost: x\r\n\r\n")
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self.sock.recv(65536)
        self.buffer = self.buffer.split(b"\r\n\r\n", 1)[1]

    def wait_for_reload_of(self, page):
        """Reads events until a reload that names `page` (if None, any reload, even of no
        page, but that of the search index alone that follows a full build)."""
        while True:
            while b"\n\n" not in self.buffer:
                self.buffer += self.sock.recv(65536)
            event, self.buffer = self.buffer.split(b"\n\n", 1)
            fields = dict(line.split(": ", 1) for line in event.decode().splitlines() if ": " in line)
            if fields.get("event") == "build-error":
                raise SystemExit(f"the build failed: {fields.get('data')}")
            if fields.get("event") != "reload":
                continue
            pages = json.loads(fields.get("data", "[]"))
            search_only = pages and all(p.startswith("search/") for p in pages)
            if page in pages or (page is None and not search_only):
                return


PAGES = {}  # a card's file (absolute) -> its page, from `cardweb graph`
STUBS = set()  # the ids of the stubs that no file under cards/ is named like


def find_pages(cardweb, site):
    """Fills PAGES from the graph `cardweb graph` prints for `site`."""
    graph = json.loads(subprocess.run([cardweb, "graph"], cwd=site, capture_output=True,
                                      text=True, check=True).stdout)
    cards = os.path.join(os.path.abspath(site), "cards")
    for node in graph["nodes"]:
        if "file" in node:
            PAGES[os.path.join(cards, node["file"])] = node["url"] + "index.html"
        elif node.get("status") == "stub":
            STUBS.add(node["id"])
    # A stub may have a file: a note not published, say.
    STUBS.difference_update(os.path.splitext(os.path.basename(f))[0].lower()
                            for f in glob.glob(os.path.join(cards, "**", "*.md"), recursive=True))


def page_of(path):
    """The page of the card at `path`: as the graph says, or (a new card, whose file name
    is unique) the page its file name gives."""
    return PAGES.get(os.path.abspath(path)) or os.path.splitext(os.path.basename(path))[0].lower() + "/index.html"


def stubs_linked(text):
    """The stubs that wikilinks in `text` name by their ids."""
    return [t.strip() for t in re.findall(r"\[\[([^\]|#]+)", text) if t.strip() in STUBS]


def change(kind, i, path, other, site):
    """Prepares change `i` of `kind` to the card at `path` (reads and looks up what it
    needs, untimed); returns a function that makes it, which returns the page that must
    reload and how to undo it (a function returning the page that must reload then)."""
    text = open(path, encoding="utf-8").read()

    def write(p, t):
        with open(p, "w", encoding="utf-8") as f:
            f.write(t)

    def edit(new_text):
        def make():
            write(path, new_text)
            return page_of(path), lambda: put_back(path, text)
        return make

    def put_back(p, t, page=None):
        write(p, t)
        return page or page_of(p)

    def new_card(new, new_text):
        """A new card `new_text` at `new`, undone by removing it: `path` reloads then (its
        backlink goes, or its link is a stub's again)."""
        def make():
            write(new, new_text)

            def remove():
                os.remove(new)
                return page_of(path)
            return page_of(new), remove
        return make

    if kind == "text":
        return edit(text + f"\nEdited, edit {i}.\n")
    if kind == "link":
        name = os.path.splitext(os.path.basename(other))[0]
        return edit(text + f"\nSee [[{name}]], edit {i}.\n")
    if kind == "stub":
        return edit(text + f"\nSee [[Not written yet {i}]], edit {i}.\n")
    if kind == "tag":
        return edit(text + f"\nTagged #bench-{i}.\n")
    if kind == "status":
        status = "complete" if re.search(r"^status: draft$", text, flags=re.M) else "draft"
        edited, n = re.subn(r"^status:.*$", f"status: {status}", text, count=1, flags=re.M)
        return edit(edited if n else text.replace("---\n", f"---\nstatus: {status}\n", 1))
    if kind == "title":
        title = f'title: "Retitled, edit {i}"'
        edited, n = re.subn(r"^title:.*$", title, text, count=1, flags=re.M)
        return edit(edited if n else text.replace("---\n", f"---\n{title}\n", 1))
    if kind == "front-matter":
        summary = f'summary: "Edited summary, edit {i}."'
        edited, n = re.subn(r"^summary:.*$", summary, text, count=1, flags=re.M)
        return edit(edited if n else text.replace("---\n", f"---\n{summary}\n", 1))
    name = os.path.splitext(os.path.basename(path))[0]
    if kind == "add":
        new = os.path.join(os.path.dirname(path), f"bench-new-{i}.md")
        return new_card(new, f"---\ntitle: Bench new {i}\n---\nAbout [[{name}]].\n")
    if kind == "fill":
        new = os.path.join(os.path.dirname(path), f"{stubs_linked(text)[0]}.md")
        return new_card(new, f"---\ntitle: Written up {i}\n---\nBeside [[{name}]].\n")
    if kind == "move":
        folder = next(f for f in (os.path.dirname(other), os.path.join(site, "cards"))
                      if f != os.path.dirname(path))
        moved = os.path.join(folder, os.path.basename(path))

        def move():
            os.rename(path, moved)

            def back():
                os.rename(moved, path)
                return None
            return None, back
        return move
    parent = re.search(r"^parent:\s*(\S+)", text, flags=re.M)
    found = parent and glob.glob(os.path.join(site, "cards", "**", parent.group(1) + ".md"), recursive=True)
    if not found:
        raise SystemExit(f"{path} has no parent card to delete")
    gone = found[0]
    kept = open(gone, encoding="utf-8").read()

    def delete():
        os.remove(gone)
        return page_of(gone), lambda: put_back(gone, kept)
    return delete


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--change", choices=KINDS, default="text")
    ap.add_argument("--cardweb", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "cardweb"))
    a = ap.parse_args()
    cardweb = os.path.abspath(a.cardweb)
    find_pages(cardweb, a.site)
    server = subprocess.Popen([cardweb, "serve", "--port", "0", "--quiet"], cwd=a.site,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        for line in server.stdout:
            if " at http://" in line:
                host, port = line.split(" at http://")[1].split("/")[0].rsplit(":", 1)
                break
        events = Events(host, int(port))
        cards = sorted(glob.glob(os.path.join(a.site, "cards", "**", "*.md"), recursive=True))
        cards = [c for c in cards if not os.path.basename(c).startswith("bench-new-")]
        if a.change == "delete":  # cards with a parent card to delete
            cards = [c for c in cards if re.search(r"^parent:", open(c, encoding="utf-8").read(), flags=re.M)]
        if a.change == "fill":  # cards that link to a stub
            cards = [c for c in cards if stubs_linked(open(c, encoding="utf-8").read())]
        step = max(1, len(cards) // a.edits)
        times = []
        for i in range(a.edits):
            path = cards[(i * step) % len(cards)]
            other = cards[(i * step + step // 2) % len(cards)]
            make = change(a.change, i, path, other, a.site)
            started = time.perf_counter()
            page, undo = make()
            events.wait_for_reload_of(page)
            times.append((time.perf_counter() - started) * 1000)
            print(f"{a.change} {i + 1:2d} {os.path.relpath(path, a.site)}: {times[-1]:.1f} ms", flush=True)
            events.wait_for_reload_of(undo())
        print(f"median save-to-reload over {a.edits} changes ({a.change}): {statistics.median(times):.1f} ms "
              f"(min {min(times):.1f}, max {max(times):.1f})")
    finally:
        server.kill()


if __name__ == "__main__":
    main()
