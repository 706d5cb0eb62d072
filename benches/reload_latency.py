#!/usr/bin/env python3
"""Save-to-reload latency of `cardweb serve`: from writing a card to the `reload` event
arriving on /_cardweb/events, over N edits of different cards. Prints each and the median.
`--change text` appends a sentence (the common save); `--change link` appends a sentence
with a link to another card, which changes the graph.

    benches/reload_latency.py SITE_DIR [--edits 20] [--change text|link] [--cardweb target/release/cardweb]
"""
import argparse, glob, os, socket, statistics, subprocess, sys, time

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--change", choices=["text", "link"], default="text")
    ap.add_argument("--cardweb", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "cardweb"))
    a = ap.parse_args()
    cardweb = os.path.abspath(a.cardweb)
    server = subprocess.Popen([cardweb, "serve", "--port", "0", "--quiet"], cwd=a.site,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        for line in server.stdout:
            if " at http://" in line:
                host, port = line.split(" at http://")[1].split("/")[0].rsplit(":", 1)
                break
        events = socket.create_connection((host, int(port)), timeout=120)
        events.sendall(b"GET /_cardweb/events HTTP/1.1\r\nHost: x\r\n\r\n")
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            buffer += events.recv(65536)
        cards = sorted(glob.glob(os.path.join(a.site, "cards", "**", "*.md"), recursive=True))
        step = max(1, len(cards) // a.edits)
        times = []
        for i in range(a.edits):
            path = cards[(i * step) % len(cards)]
            text = open(path, encoding="utf-8").read()
            buffer = b""
            started = time.perf_counter()
            with open(path, "w", encoding="utf-8") as f:
                other = os.path.splitext(os.path.basename(cards[(i * step + step // 2) % len(cards)]))[0]
                added = f"See [[{other}]], edit {i}." if a.change == "link" else f"Edited, edit {i}."
                f.write(text + f"\n{added}\n")
            while b"event: reload" not in buffer:
                buffer += events.recv(65536)
            times.append((time.perf_counter() - started) * 1000)
            print(f"edit {i + 1:2d} {os.path.relpath(path, a.site)}: {times[-1]:.1f} ms", flush=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            while b"event: reload" not in buffer.split(b"event: reload", 1)[1]:
                buffer += events.recv(65536)
        print(f"median save-to-reload over {a.edits} edits: {statistics.median(times):.1f} ms "
              f"(min {min(times):.1f}, max {max(times):.1f})")
    finally:
        server.kill()

if __name__ == "__main__":
    main()
