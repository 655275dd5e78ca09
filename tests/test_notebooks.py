"""Every notebook executes top to bottom with the real kernel, and what it shows is right."""
import base64
import re
import struct

import pytest

import notebook_nav
from conftest import outputs, stream_text

LESSONS = [p.name for p in notebook_nav.lessons()]


@pytest.mark.parametrize("name", LESSONS)
def test_notebook_runs_without_errors(executed, name):
    nb = executed(name)
    errors = [o for o in outputs(nb) if o.output_type == "error"]
    assert not errors, f"{name}: {errors[0].ename}: {errors[0].evalue}"
    stderr = stream_text(nb, "stderr")
    assert not stderr, f"{name} wrote to stderr:\n{stderr}"


def png_size(data_b64: str):
    png = base64.b64decode(data_b64)
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", png[16:24])


def test_welcome_reports_java_and_cores(executed):
    text = stream_text(executed("00-welcome.ipynb"))
    assert re.search(r"^Java (1[7-9]|[2-9]\d)", text, re.M), text
    assert re.search(r"^\d+ cores available$", text, re.M), text


def test_welcome_renders_table_as_html(executed):
    nb = executed("00-welcome.ipynb")
    tables = [o for o in outputs(nb) if "text/html" in o.get("data", {})]
    assert len(tables) == 1
    html = tables[0].data["text/html"]
    assert re.search(r"<caption[^>]*>powers — 10 rows × 3 columns</caption>", html)
    assert "<th>n</th><th>square</th><th>cube</th>" in html
    assert "<tr><td>10</td><td>100</td><td>1000</td></tr>" in html
    assert "powers" in tables[0].data["text/plain"], "plain-text fallback missing"


def test_welcome_draws_a_crisp_chart(executed):
    nb = executed("00-welcome.ipynb")
    images = [o for o in outputs(nb) if "image/png" in o.get("data", {})]
    assert len(images) == 1
    width, height = png_size(images[0].data["image/png"])
    shown = images[0].metadata["image/png"]
    assert (shown["width"], shown["height"]) == (640, 360)
    assert (width, height) == (1280, 720), "drawn at twice the shown size for high-density screens"
    assert len(base64.b64decode(images[0].data["image/png"])) > 20_000, "the image looks empty"
