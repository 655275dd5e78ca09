"""Shared fixtures: each notebook is executed once per test session with the real kernel.

Executed copies are kept in test-output/executed/ (git-ignored): the notebook tests read their
outputs, and the site tests publish them, so no notebook runs twice in one `make test`.
"""
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import build_site  # noqa: E402
import notebook_nav  # noqa: E402

OUTPUT = ROOT / "test-output"
EXECUTED = OUTPUT / "executed"


class ExecutedNotebooks:
    """Executes a notebook on first request and hands back the executed copy (or its failure)."""

    def __init__(self):
        self._done = {}

    def __call__(self, name: str):
        if name not in self._done:
            EXECUTED.mkdir(parents=True, exist_ok=True)
            try:
                nb = build_site.execute(notebook_nav.NOTEBOOKS / name)
                nbformat.write(nb, EXECUTED / name)
                self._done[name] = nb
            except Exception as error:  # keep the failure: every test of this notebook reports it
                self._done[name] = error
        result = self._done[name]
        if isinstance(result, Exception):
            pytest.fail(f"{name} did not execute: {result}", pytrace=False)
        return result

    def all(self) -> Path:
        """Executes every lesson; returns the directory holding the executed copies."""
        for path in notebook_nav.lessons():
            self(path.name)
        return EXECUTED


@pytest.fixture(scope="session")
def executed():
    return ExecutedNotebooks()


def outputs(nb, cell_index=None):
    """All outputs of the notebook, or of one cell."""
    cells = nb.cells if cell_index is None else [nb.cells[cell_index]]
    return [o for c in cells if c.cell_type == "code" for o in c.get("outputs", [])]


def stream_text(nb, name="stdout") -> str:
    return "".join(o.text for o in outputs(nb) if o.output_type == "stream" and o.name == name)
