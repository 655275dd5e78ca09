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

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebook_nav  # noqa: E402  (the same reading order and titles the navigation uses)

CELL_TIMEOUT_S = 300


def execute(path: Path, timeout: int = CELL_TIMEOUT_S):
    """Runs every cell of the notebook top to bottom in a fresh kernel; returns the executed copy."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name=nb.metadata["kernelspec"]["name"],
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return nb


def _link_pages(nb):
    """Links between notebooks point at their pages once published."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = re.sub(r"\]\(([\w-]+)\.ipynb\)", r"](\1.html)", cell.source)
    return nb


def export_page(nb, title: str) -> str:
    exporter = HTMLExporter(template_name="lab")
    exporter.embed_images = True
    # The page must work offline: no MathJax or require.js from a CDN (the lessons use neither).
    exporter.mathjax_url = ""
    exporter.require_js_url = ""
    body, _ = exporter.from_notebook_node(_link_pages(nb), resources={"metadata": {"name": title}})
    body = re.sub(r'<script[^>]*src="https?://[^"]*"[^>]*>\s*</script>', "", body)
    return body


def index_page(entries: list) -> str:
    items = "\n".join(
        f'    <li><a href="{html.escape(page)}">{html.escape(title)}</a><p>{html.escape(summary)}</p></li>'
        for page, title, summary in entries)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Multiprocessing in Java notebooks</title>
  <style>
    body {{ font-family: system-ui, sans-serif; max-width: 46rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; }}
    li {{ margin-bottom: 1rem; }} li p {{ margin: .25rem 0 0; color: #444; }}
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


def build(out: Path, executed_dir: Path = None) -> list:
    """Writes the site; returns the pages written, index first."""
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for path in notebook_nav.lessons():
        if executed_dir is not None:
            nb = nbformat.read(executed_dir / path.name, as_version=4)
        else:
            started = time.monotonic()
            nb = execute(path)
            print(f"executed {path.name} in {time.monotonic() - started:.1f} s")
        title = notebook_nav.title_of(nb)
        page = path.stem + ".html"
        (out / page).write_text(export_page(nb, title), encoding="utf-8")
        entries.append((page, title, notebook_nav.summary_of(nb)))
    (out / "index.html").write_text(index_page(entries), encoding="utf-8")
    return ["index.html"] + [page for page, _, _ in entries]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("site"))
    parser.add_argument("--executed", type=Path, help="directory of already executed notebooks")
    args = parser.parse_args()
    pages = build(args.out, args.executed)
    print(f"wrote {len(pages)} pages to {args.out.resolve()}/ (open index.html)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
