"""kernel-lib as others take it: a Maven dependency that brings only what the core needs, the
notebook side added to a stock JJava kernel, a licence, and benchmarks that run from a clone."""
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
POM = "{http://maven.apache.org/POM/4.0.0}"

import bench  # noqa: E402  (tools/ is on sys.path, see conftest.py)


def runtime_dependencies(pom: Path) -> set:
    """group:artifact of every dependency a user of this module inherits (not test/provided)."""
    deps = ET.parse(pom).getroot().find(f"{POM}dependencies")
    found = set()
    for d in deps.findall(f"{POM}dependency"):
        scope = d.findtext(f"{POM}scope", "compile")
        if scope not in ("test", "provided") and d.findtext(f"{POM}optional") != "true":
            found.add(f"{d.findtext(f'{POM}groupId')}:{d.findtext(f'{POM}artifactId')}")
    return found


def test_the_core_artifact_depends_on_asm_alone():
    assert runtime_dependencies(ROOT / "kernel-lib" / "pom.xml") == {"org.ow2.asm:asm"}


def test_the_notebook_artifact_brings_the_core_tables_and_charts():
    deps = runtime_dependencies(ROOT / "kernel-lib-notebook" / "pom.xml")
    assert {"org.kernellib:kernel-lib", "tech.tablesaw:tablesaw-core", "org.knowm.xchart:xchart"} <= deps


def test_the_project_is_apache_licensed_and_says_so_in_its_pom():
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text  # the full text, not a pointer to it
    licenses = ET.parse(ROOT / "pom.xml").getroot().find(f"{POM}licenses")
    assert [lic.findtext(f"{POM}name") for lic in licenses] == ["Apache-2.0"]


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


def test_a_stock_jjava_kernel_gets_kernel_lib_through_classpath():
    """The `java` kernelspec that pip's jjava installs, nothing of ours in it: one %classpath cell
    with the built jars gives the imports (no import cell), a worker process, and the renderers."""
    target = ROOT / "kernel-lib-notebook" / "target"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code) for code in [
        f"%classpath {target / 'kernel-lib-notebook.jar'} {target / 'lib'}/*.jar",
        "IntValue v = intValue(0);\n"
        "Process p = new Process(() -> v.set(42));\n"
        "p.start();\n"
        "p.join();\n"
        "v.get()",
        'Table.create("t", IntColumn.create("x", 1, 2))',
        "new XYChartBuilder().width(200).height(100).build()",
    ]]
    NotebookClient(nb, kernel_name="java", timeout=300,
                   resources={"metadata": {"path": str(ROOT)}}).execute()
    results = [[o for o in cell.outputs if o.output_type == "execute_result"] for cell in nb.cells]
    assert results[1][0]["data"]["text/plain"] == "42"
    assert 'class="kernel-lib-table"' in results[2][0]["data"]["text/html"]
    assert "image/png" in results[3][0]["data"]
