#!/usr/bin/env python3
"""A git filter that stores notebooks without outputs, whatever JupyterLab saved in the file.

Notebooks are stored in git without outputs, execution counts or kernel details: working in
JupyterLab, which saves outputs into the file, must not make tracked notebooks look changed or
commit a run's results. `.gitattributes` names the filter for notebooks/*.ipynb; `--install`
defines it in this clone's .git/config (`make setup` does that). Git then runs this script on
every `git add`, `git diff` and `git status`: it reads a notebook on stdin and writes the stored
form on stdout, written exactly as tools/notebook_nav.py writes notebooks.

    python tools/strip_outputs.py < notebook.ipynb     # the form git stores
    python tools/strip_outputs.py --install            # define the filter for this clone
"""
import argparse
import subprocess
import sys
from pathlib import Path

import nbformat

FILTER = "notebook-outputs"
ROOT = Path(__file__).resolve().parent.parent
# What a notebook's metadata keeps: the kernel it needs. The rest (language_info's version,
# widget state, ...) describes one run on one machine.
KEPT_METADATA = ("kernelspec",)
KEPT_CELL_METADATA = ("tags",)


def strip(nb):
    """The notebook without outputs, execution counts or per-run metadata."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in KEPT_CELL_METADATA}
    language = nb.metadata.get("language_info", {}).get("name")
    nb.metadata = {k: v for k, v in nb.metadata.items() if k in KEPT_METADATA}
    if language:
        nb.metadata["language_info"] = {"name": language}
    return nb


def install(repo: Path) -> None:
    """Defines the filter in the repository's own config; the command runs from its top level."""
    inside = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=repo, capture_output=True, text=True)
    if inside.stdout.strip() != "true":
        print(f"{repo} is not a git clone: no filter to install")
        return
    python = Path(sys.executable)
    command = f"'{python}' tools/strip_outputs.py"
    for key, value in [("clean", command), ("smudge", "cat"), ("required", "true")]:
        subprocess.run(["git", "config", "--local", f"filter.{FILTER}.{key}", value], cwd=repo, check=True)
    print(f"git filter '{FILTER}' installed: notebooks are stored without outputs")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--install", action="store_true", help="define the filter in this clone's .git/config")
    parser.add_argument("--repo", type=Path, default=ROOT, help="the clone to install into (default: this one)")
    args = parser.parse_args()
    if args.install:
        install(args.repo)
        return 0
    text = sys.stdin.read()
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as error:  # not a notebook git can strip: store it as it is, and say why
        print(f"strip_outputs: {error}; storing the file unchanged", file=sys.stderr)
        sys.stdout.write(text)
        return 0
    sys.stdout.write(nbformat.writes(strip(nb)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
