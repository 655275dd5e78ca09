#!/usr/bin/env python3
"""Publishes the notebooks: executes each one with the real kernel and writes a static site.

The site is an index.html listing the lessons in reading order and one page per notebook, with
every image embedded in the page, so it can be opened from disk or copied anywhere and needs no
network. Notebooks are stored without outputs; this is where outputs live.

    python tools/build_site.py --out site                # execute, then export
    python tools/build_site.py --out site --executed D   # export notebooks already executed into D
"""
import argparse
import html
import re
import sys
import time
from pathlib import Path

import mistune
import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebook_nav  # noqa: E402  (the same reading order and titles the navigation uses)

CELL_TIMEOUT_S = 300
ROOT = Path(__file__).resolve().parent.parent


def execute(path: Path, timeout: int = CELL_TIMEOUT_S, allow_errors: bool = False, log=None):
    """Runs every cell of the notebook top to bottom in a fresh kernel; returns the executed copy.

    With allow_errors, a failing cell keeps its error as an output and the cells after it still run.
    `log`, an open file, takes what the kernel process itself writes (its start-up logging), which
    otherwise lands on this process's terminal between the progress lines.
    """
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name=nb.metadata["kernelspec"]["name"],
                            allow_errors=allow_errors, resources={"metadata": {"path": str(path.parent)}})
    client.execute(**({"stdout": log, "stderr": log} if log is not None else {}))
    return nb


def _page_links(markdown: str) -> str:
    """Links between notebooks point at their pages once published."""
    return re.sub(r"\]\(([\w-]+)\.ipynb\)", r"](\1.html)", markdown)


def _link_pages(nb):
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = _page_links(cell.source)
    return nb


def _markdown(text: str) -> str:
    """Markdown as HTML, for the index's summaries."""
    return mistune.html(_page_links(text))


# A readable column for every page (the lab template would stretch lines across the window),
# and the bar of links to the previous page, the contents and the next page.
PAGE_STYLE = """
<style>
  body { margin: 0; }
  .jp-Notebook, nav.book { max-width: 52rem; margin: 0 auto; padding-left: 1rem; padding-right: 1rem; }
  nav.book { display: flex; justify-content: space-between; gap: 1rem; padding-top: .75rem; padding-bottom: .75rem;
             font: 14px/1.4 system-ui, sans-serif; }
  nav.book a { text-decoration: none; }
  nav.book.bottom { border-top: 1px solid #ddd; margin-top: 2rem; }
</style>
"""


def book_nav(prev_page, next_page, where: str) -> str:
    """Previous | Contents | Next, each a link when there is such a page."""
    def link(page, arrow_left):
        if page is None:
            return "<span></span>"
        href, title = page
        text = f"← {html.escape(title)}" if arrow_left else f"{html.escape(title)} →"
        return f'<a href="{html.escape(href)}">{text}</a>'
    return (f'<nav class="book {where}">{link(prev_page, True)}<a href="index.html">Contents</a>'
            f"{link(next_page, False)}</nav>")


def export_page(nb, title: str, prev_page=None, next_page=None) -> str:
    exporter = HTMLExporter(template_name="lab")
    exporter.embed_images = True
    # The page must work offline: no MathJax or require.js from a CDN (the lessons use neither).
    exporter.mathjax_url = ""
    exporter.require_js_url = ""
    # The notebook's own navigation cell gives way to the page's bars, which say the same.
    nb.cells = [c for c in nb.cells if notebook_nav.NAV_TAG not in c.get("metadata", {}).get("tags", [])]
    body, _ = exporter.from_notebook_node(_link_pages(nb), resources={"metadata": {"name": title}})
    body = re.sub(r'<script[^>]*src="https?://[^"]*"[^>]*>\s*</script>', "", body)
    body = body.replace("</head>", PAGE_STYLE + "</head>", 1)
    body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + book_nav(prev_page, next_page, "top"), body, count=1)
    body = body.replace("</body>", book_nav(prev_page, next_page, "bottom") + "</body>", 1)
    return body


def index_page(entries: list) -> str:
    items = "\n".join(
        f'    <li><span class="number">{html.escape(number)}</span><div><a class="title" href="{html.escape(page)}">'
        f"{html.escape(title)}</a>{_markdown(summary)}</div></li>"
        for number, page, title, summary in entries)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Multiprocessing in Java notebooks</title>
  <style>
    body {{ font-family: system-ui, sans-serif; max-width: 46rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; }}
    ol {{ list-style: none; padding: 0; }}
    li {{ display: flex; gap: 1rem; margin-bottom: 1.25rem; }}
    li .number {{ font-variant-numeric: tabular-nums; color: #888; min-width: 1.5rem; }}
    li a.title {{ font-weight: 600; }} li p {{ margin: .25rem 0 0; color: #444; }}
    code {{ font-size: 90%; background: #f4f4f4; padding: 0 .2em; border-radius: 3px; }}
  </style>
</head>
<body>
  <h1>Multiprocessing in Java notebooks</h1>
  <p>Each page is a notebook executed from top to bottom; read them in this order.</p>
  <ol>
{items}
  </ol>
</body>
</html>
"""


def build(out: Path, executed_dir: Path = None, log_path: Path = None) -> list:
    """Writes the site; returns the pages written, index first.

    Executing, it prints one line per notebook; the kernels' own output goes to `log_path`.
    """
    out.mkdir(parents=True, exist_ok=True)
    lessons = notebook_nav.lessons()
    notebooks = {}
    log = None
    if executed_dir is None:
        log_path = log_path or ROOT / "test-output" / "kernel.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(log_path, "w")
        print(f"executing {len(lessons)} notebooks (kernel output in {log_path})", flush=True)
    try:
        started_all = time.monotonic()
        for i, path in enumerate(lessons, 1):
            if executed_dir is not None:
                notebooks[path] = nbformat.read(executed_dir / path.name, as_version=4)
            else:
                started = time.monotonic()
                notebooks[path] = execute(path, log=log)
                print(f"[{i}/{len(lessons)}] {path.name} executed in {time.monotonic() - started:.1f} s", flush=True)
        if executed_dir is None:
            print(f"all notebooks executed in {time.monotonic() - started_all:.1f} s", flush=True)
    finally:
        if log is not None:
            log.close()
    pages = [(path.name[:2], path.stem + ".html", notebook_nav.title_of(notebooks[path]),
              notebook_nav.summary_of(notebooks[path])) for path in lessons]
    for i, path in enumerate(lessons):
        prev_page = pages[i - 1][1:3] if i > 0 else None
        next_page = pages[i + 1][1:3] if i + 1 < len(pages) else None
        (out / pages[i][1]).write_text(export_page(notebooks[path], pages[i][2], prev_page, next_page), encoding="utf-8")
    (out / "index.html").write_text(index_page(pages), encoding="utf-8")
    return ["index.html"] + [page for _, page, _, _ in pages]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("site"))
    parser.add_argument("--executed", type=Path, help="directory of already executed notebooks")
    parser.add_argument("--log", type=Path, help="file for the kernels' own output (default: test-output/kernel.log)")
    args = parser.parse_args()
    pages = build(args.out, args.executed, args.log or ROOT / "test-output" / "kernel.log")
    print(f"wrote {len(pages)} pages to {args.out.resolve()}/ (open index.html)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
