"""kernel-lib as others take it: benchmarks that run from a clone."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

import bench  # noqa: E402  (tools/ is on sys.path, see conftest.py)


def test_the_python_baseline_is_in_the_repository_and_gives_every_figure_the_table_compares():
    baseline = Path(bench.PYTHON_BASELINE).resolve()
    assert baseline.is_relative_to(ROOT), f"{baseline} is outside the repository"
    out = subprocess.run([sys.executable, str(baseline), "--quick", "--json"], check=True,
                         capture_output=True, text=True, timeout=600).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    wanted = {py_key for _, _, py_key, _ in bench.ROWS if py_key}
    missing = wanted - figures.keys()
    assert not missing, f"bench.py compares against {sorted(missing)}, which bench_python.py does not print"
    assert all(figures[k] > 0 for k in wanted)
