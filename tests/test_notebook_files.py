"""The notebooks as stored in git: clean, runnable by the project's kernel, navigation current."""
import json
import shutil
import subprocess
import sys

import nbformat

import pytest

import notebook_nav

ALL = sorted(notebook_nav.NOTEBOOKS.glob("*.ipynb"))


def committed_notebooks():
    listed = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=notebook_nav.NOTEBOOKS.parent,
                            capture_output=True, text=True, check=True).stdout.split()
    return [notebook_nav.NOTEBOOKS.parent / p for p in listed]


def stored(path) -> str:
    """The notebook as git stores it (its staged version): what a commit would record."""
    relative = path.relative_to(notebook_nav.NOTEBOOKS.parent).as_posix()
    return subprocess.run(["git", "show", f":{relative}"], cwd=notebook_nav.NOTEBOOKS.parent,
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("path", committed_notebooks(), ids=lambda p: p.name)
def test_committed_notebook_has_no_outputs(path):
    nb = json.loads(stored(path))
    dirty = [i for i, c in enumerate(nb["cells"]) if c.get("outputs") or c.get("execution_count")]
    assert not dirty, f"{path.name}: cells {dirty} carry outputs or execution counts; clear them before committing"


def git(repo, *args) -> str:
    return subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@localhost", *args], cwd=repo,
                          capture_output=True, text=True, check=True).stdout


def test_git_stores_notebooks_without_the_outputs_lab_saved(tmp_path):
    """With the filter `make setup` installs, a notebook saved with outputs is stored without them."""
    root = notebook_nav.NOTEBOOKS.parent
    git(tmp_path, "init", "-q")
    (tmp_path / "tools").mkdir()
    shutil.copy(root / "tools" / "strip_outputs.py", tmp_path / "tools")
    shutil.copy(root / ".gitattributes", tmp_path)
    subprocess.run([sys.executable, str(tmp_path / "tools" / "strip_outputs.py"), "--install", "--repo", str(tmp_path)],
                   check=True, capture_output=True)
    (tmp_path / "notebooks").mkdir()
    lesson = tmp_path / "notebooks" / "01-processes.ipynb"
    clean = (root / "notebooks" / "01-processes.ipynb").read_text()
    lesson.write_text(clean)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "lessons")
    # What JupyterLab saves after Run All: outputs, execution counts, the kernel's language version.
    nb = nbformat.reads(clean, as_version=4)
    for n, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = n + 1
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="square 4\n")]
    nb.metadata["language_info"] = {"name": "java", "version": "17.0.15", "mimetype": "text/x-java-source"}
    lesson.write_text(nbformat.writes(nb))

    assert git(tmp_path, "diff") == "", "a run in Lab must not show as a change"
    git(tmp_path, "add", "-A")
    assert git(tmp_path, "show", ":notebooks/01-processes.ipynb") == clean, "git stores the notebook without outputs"
    # (Before that `add`, `status` may list the file: git trusts a changed size without asking the filter.)
    assert git(tmp_path, "status", "--porcelain") == "", "nothing to commit after a run in Lab"
    assert "square 4" in lesson.read_text(), "the outputs stay in the working file"


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
