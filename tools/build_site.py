#!/usr/bin/env python3
"""Publishes the notebooks: executes each one with the real kernel and writes a static site.

The site is an index.html listing the lessons in reading order and one page per notebook, with
every image embedded in the page, so it can be opened from disk or copied anywhere and needs no
network. Notebooks are stored without outputs; this is where outputs live.

    python tools/build_site.py --out site                # execute, then export
    python tools/build_site.py --out site --executed D   # export notebooks already executed into D
"""
import argparse
import asyncio
import contextlib
import html
import re
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import mistune
import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbconvert import HTMLExporter

sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebook_nav  # noqa: E402  (the same reading order and titles the navigation uses)

CELL_TIMEOUT_S = 300
ROOT = Path(__file__).resolve().parent.parent

# A cell tagged MEASURES_TIME times work against the machine's clock (00's chart of run times, 06's
# speed-ups and ceiling, 07's threads against processes). It runs while no other cell and no kernel
# start of this build runs, and none starts beside it, so that no other lesson's processes stretch
# what it measures. Everything else runs AT_A_TIME notebooks at once: a kernel takes seconds to
# start, and many cells wait on workers or sleeps with a core idle. (The claims of 01 and 05 are
# checked beside a CPU hog in tests/test_lessons_on_one_cpu.py: they do not need a quiet machine.)
MEASURES_TIME = "measures-time"
AT_A_TIME = 3


class Quiet:
    """Lets any number of ordinary steps run at once, or one step that measures time, alone.

    A measuring step waits for the running ordinary steps to finish and, while it waits, no new
    one starts: measuring steps go first. An ordinary step is a cell or a kernel start or shut-down.
    """

    def __init__(self):
        self._running = 0
        self._measuring = False
        self._waiting = 0
        self._changed = asyncio.Condition()

    @contextlib.asynccontextmanager
    async def ordinary(self):
        async with self._changed:
            await self._changed.wait_for(lambda: not self._measuring and not self._waiting)
            self._running += 1
        try:
            yield
        finally:
            async with self._changed:
                self._running -= 1
                self._changed.notify_all()

    @contextlib.asynccontextmanager
    async def alone(self):
        async with self._changed:
            self._waiting += 1
            await self._changed.wait_for(lambda: not self._measuring and not self._running)
            self._waiting -= 1
            self._measuring = True
        try:
            yield
        finally:
            async with self._changed:
                self._measuring = False
                self._changed.notify_all()


class _QuietClient(NotebookClient):
    """Executes each cell through the build's Quiet: alone if it is tagged MEASURES_TIME."""

    def __init__(self, nb, quiet: Quiet, **kwargs):
        super().__init__(nb, **kwargs)
        self._quiet = quiet

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        step = self._quiet.alone() if MEASURES_TIME in cell.metadata.get("tags", []) else self._quiet.ordinary()
        async with step:
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)


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


async def _start_kernel(path: Path, quiet: Quiet, log=None) -> AsyncKernelManager:
    """Starts the kernel the notebook names, in the notebook's folder, its own output going to `log`,
    and waits until it answers, through the client the notebook will run on (`km.ready_client`)."""
    km = AsyncKernelManager(kernel_name=nbformat.read(path, as_version=4).metadata["kernelspec"]["name"])
    async with quiet.ordinary():
        await km.start_kernel(cwd=str(path.parent), **({"stdout": log, "stderr": log} if log is not None else {}))
        km.ready_client = km.client()
        km.ready_client.start_channels()
        try:
            await km.ready_client.wait_for_ready(timeout=CELL_TIMEOUT_S)
        except BaseException:
            km.ready_client.stop_channels()
            await km.shutdown_kernel(now=True)
            raise
    return km


async def _execute_on(path: Path, starting: asyncio.Future, quiet: Quiet, timeout: int = CELL_TIMEOUT_S):
    """Runs every cell of the notebook on the kernel `starting` gives, then shuts that kernel down."""
    try:
        km = await asyncio.shield(starting)
        nb = nbformat.read(path, as_version=4)
        client = _QuietClient(nb, quiet, km=km, timeout=timeout, kernel_name=nb.metadata["kernelspec"]["name"],
                              resources={"metadata": {"path": str(path.parent)}})
        client.kc = km.ready_client
        await client.async_execute()
        return nb
    finally:
        await _shut_down(starting, quiet)


async def _shut_down(starting: asyncio.Future, quiet: Quiet) -> None:
    """Shuts down the kernel a start gives, once that start is over (a start is never cancelled half-way:
    its process would be left running). Shut down as Jupyter does, so kernel-lib stops its workers."""
    try:
        km = await starting
    except Exception:  # it never started
        return
    async with quiet.ordinary():
        km.ready_client.stop_channels()
        await km.shutdown_kernel()


async def execute_all(paths: list, log=None, done=None, publish=None) -> dict:
    """Executes the notebooks, each in a fresh kernel; returns path -> executed copy.

    AT_A_TIME notebooks run at once, latest (heaviest) first, each on a kernel started when its
    turn comes; cells tagged MEASURES_TIME run alone (see Quiet). `done(path, seconds)` is called as
    each notebook finishes. `publish(path, executed_copy)`, if given, runs on a thread of its own
    as an ordinary step as soon as the notebook is executed, while the others still execute (the
    site's pages are written there). The first failure ends the build and is raised.
    """
    queue = list(reversed(paths))
    quiet = Quiet()
    executed = {}
    publishing = []
    # One thread: pages are written one at a time, beside the kernels rather than after them all.
    publisher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="publish")

    async def publish_step(path, nb):
        async with quiet.ordinary():
            await asyncio.get_running_loop().run_in_executor(publisher, publish, path, nb)

    async def slot():
        while queue:
            path = queue.pop(0)
            started = time.monotonic()
            executed[path] = await _execute_on(path, asyncio.ensure_future(_start_kernel(path, quiet, log)), quiet)
            if done is not None:
                done(path, time.monotonic() - started)
            if publish is not None:
                publishing.append(asyncio.ensure_future(publish_step(path, executed[path])))

    slots = [asyncio.ensure_future(slot()) for _ in range(AT_A_TIME)]
    try:
        await asyncio.gather(*slots)
        await asyncio.gather(*publishing)
    finally:
        # After a failure the other slots take no new notebook and finish the ones they run: nothing
        # here is cancelled, since a cancelled start or shut-down would leave a kernel running.
        queue.clear()
        await asyncio.gather(*slots, return_exceptions=True)
        await asyncio.gather(*publishing, return_exceptions=True)
        publisher.shutdown()
    return {p: executed[p] for p in paths}


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


_exporters = threading.local()


def _exporter() -> HTMLExporter:
    """This thread's exporter: making one loads and compiles the template's files, about a third of
    what exporting a page with it costs."""
    if not hasattr(_exporters, "html"):
        exporter = HTMLExporter(template_name="lab")
        exporter.embed_images = True
        # The page must work offline: no MathJax or require.js from a CDN (the lessons use neither).
        exporter.mathjax_url = ""
        exporter.require_js_url = ""
        _exporters.html = exporter
    return _exporters.html


def export_page(nb, title: str, prev_page=None, next_page=None) -> str:
    exporter = _exporter()
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
    # Titles and summaries are in the Markdown cells, the same before a notebook is executed, so every
    # page can be written, with its links to the pages beside it, as soon as its notebook is executed.
    sources = {path: nbformat.read(path, as_version=4) for path in lessons}
    pages = [(path.name[:2], path.stem + ".html", notebook_nav.title_of(sources[path]),
              notebook_nav.summary_of(sources[path])) for path in lessons]

    def write_page(path, nb):
        i = lessons.index(path)
        prev_page = pages[i - 1][1:3] if i > 0 else None
        next_page = pages[i + 1][1:3] if i + 1 < len(pages) else None
        (out / pages[i][1]).write_text(export_page(nb, pages[i][2], prev_page, next_page), encoding="utf-8")

    log = None
    if executed_dir is None:
        log_path = log_path or ROOT / "test-output" / "kernel.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(log_path, "w")
        print(f"executing {len(lessons)} notebooks (kernel output in {log_path})", flush=True)
    try:
        if executed_dir is not None:
            for path in lessons:
                write_page(path, nbformat.read(executed_dir / path.name, as_version=4))
        else:
            started_all = time.monotonic()
            finished = []

            def done(path, seconds):
                finished.append(path)
                print(f"[{len(finished)}/{len(lessons)}] {path.name} executed in {seconds:.1f} s", flush=True)
            asyncio.run(execute_all(lessons, log, done, publish=write_page))
            print(f"all notebooks executed and their pages written in {time.monotonic() - started_all:.1f} s", flush=True)
    finally:
        if log is not None:
            log.close()
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
