#!/usr/bin/env python3
"""Keeps the collection's navigation generated: the index notebook and each notebook's last cell.

Lesson notebooks are `NN-kebab-title.ipynb` in notebooks/, read in the order of their numbers.
This writes notebooks/index.ipynb (title and opening paragraph of each lesson, linked) and ends
every lesson with a navigation cell (previous, index, next). `--check` changes nothing and exits
non-zero when a file is out of date, so a test can keep the navigation honest.
"""
import argparse
import re
import sys
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
INDEX = "index.ipynb"
NAV_TAG = "navigation"
KERNELSPEC = {"name": "java-multiprocessing", "display_name": "Java (multiprocessing)", "language": "java"}


def lessons() -> list:
    """Lesson notebooks in reading order."""
    return sorted(p for p in NOTEBOOKS.glob("*.ipynb") if re.match(r"\d\d-", p.name))


def title_of(nb) -> str:
    first = nb.cells[0].source.strip() if nb.cells else ""
    if not first.startswith("# "):
        raise SystemExit("a lesson must open with a markdown cell holding only '# Title'")
    return first[2:].strip()


def summary_of(nb) -> str:
    """The opening paragraph: the second cell, which says what the notebook does and why, on one line."""
    return " ".join(nb.cells[1].source.split()) if len(nb.cells) > 1 else ""


def nav_source(order: list, i: int) -> str:
    parts = []
    if i > 0:
        parts.append(f"← [{title_of(order[i - 1][1])}]({order[i - 1][0].name})")
    parts.append(f"[Contents]({INDEX})")
    if i + 1 < len(order):
        parts.append(f"[{title_of(order[i + 1][1])}]({order[i + 1][0].name}) →")
    return " | ".join(parts)


def with_nav(nb, source: str):
    cells = [c for c in nb.cells if NAV_TAG not in c.get("metadata", {}).get("tags", [])]
    cell = nbformat.v4.new_markdown_cell(source)
    cell.metadata["tags"] = [NAV_TAG]
    cell.id = "navigation"
    nb.cells = cells + [cell]
    return nb


def index_notebook(order: list):
    lines = ["# Multiprocessing in Java notebooks", "",
             "Each notebook is one lesson, meant to be read and run in this order. Run a cell again "
             "and what depends on timing changes: that is the point.", ""]
    for path, nb in order:
        lines.append(f"{path.name[:2]}. [{title_of(nb)}]({path.name}): {summary_of(nb)}")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("\n".join(lines))])
    nb.cells[0].id = "contents"
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "java"}}
    return nb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale files, change nothing")
    args = parser.parse_args()

    order = [(p, nbformat.read(p, as_version=4)) for p in lessons()]
    wanted = {NOTEBOOKS / INDEX: index_notebook(order)}
    for i, (path, nb) in enumerate(order):
        wanted[path] = with_nav(nbformat.read(path, as_version=4), nav_source(order, i))

    stale = []
    for path, nb in wanted.items():
        text = nbformat.writes(nb) + "\n"
        if not path.exists() or path.read_text() != text:
            stale.append(path.name)
            if not args.check:
                path.write_text(text)
    if args.check and stale:
        print("navigation out of date in: " + ", ".join(stale) + "; run `python tools/notebook_nav.py`")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
