"""The notebooks as stored in git: clean, runnable by the project's kernel, navigation current."""
import json
import subprocess
import sys

import pytest

import notebook_nav

ALL = sorted(notebook_nav.NOTEBOOKS.glob("*.ipynb"))


def committed_notebooks():
    listed = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=notebook_nav.NOTEBOOKS.parent,
                            capture_output=True, text=True, check=True).stdout.split()
    return [notebook_nav.NOTEBOOKS.parent / p for p in listed]


@pytest.mark.parametrize("path", committed_notebooks(), ids=lambda p: p.name)
def test_committed_notebook_has_no_outputs(path):
    nb = json.loads(path.read_text())
    dirty = [i for i, c in enumerate(nb["cells"]) if c.get("outputs") or c.get("execution_count")]
    assert not dirty, f"{path.name}: cells {dirty} carry outputs or execution counts; clear them before committing"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_notebook_names_the_project_kernel(path):
    assert json.loads(path.read_text())["metadata"]["kernelspec"]["name"] == "java-multiprocessing"


def test_navigation_is_up_to_date():
    result = subprocess.run([sys.executable, str(notebook_nav.__file__), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_lessons_open_with_a_title_and_a_paragraph():
    for path in notebook_nav.lessons():
        nb = json.loads(path.read_text())
        first, second = nb["cells"][0], nb["cells"][1]
        assert first["cell_type"] == "markdown" and "".join(first["source"]).startswith("# ")
        assert second["cell_type"] == "markdown" and len("".join(second["source"])) > 80
