"""A real browser (Debian's chromium, driven by Playwright) on JupyterLab and on the published site."""
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import build_site
import notebook_nav
from conftest import OUTPUT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = OUTPUT / "screenshots"
# Chromium as root in a sandbox-less container, with nothing reaching out to the network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]



@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("the browser tests need Debian's chromium: apt-get install chromium", pytrace=False)
    from playwright.sync_api import sync_playwright
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab():
    """JupyterLab on loopback with a token, serving a copy of notebooks/; stopped with its kernels.

    A copy, because JupyterLab saves a notebook it has run (outputs and all) on its own; the
    notebooks in the repository must stay without outputs.
    """
    port, token = free_port(), secrets.token_hex(16)
    served = OUTPUT / "lab-notebooks"
    shutil.rmtree(served, ignore_errors=True)
    shutil.copytree(notebook_nav.NOTEBOOKS, served, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    log = open(OUTPUT / "jupyterlab.log", "w")
    # Render every cell, not only those near the viewport, so outputs can be found anywhere.
    settings = OUTPUT / "lab-settings"
    tracker = settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True, exist_ok=True)
    tracker.write_text('{"windowingMode": "none"}')
    # A fresh workspace, so no tab of an earlier run is restored next to the notebook under test.
    workspaces = OUTPUT / "lab-workspaces"
    shutil.rmtree(workspaces, ignore_errors=True)
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(workspaces))
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={served}", "--ServerApp.disable_check_xsrf=False"],
        stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("JupyterLab did not start; see test-output/jupyterlab.log", pytrace=False)
            time.sleep(0.5)
    yield base, token
    server.terminate()
    try:
        server.wait(20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


def run_all_cells(page):
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


def open_notebook(browser, lab, name):
    base, token = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/lab/tree/{name}?token={token}&reset")
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-CodeCell", state="attached", timeout=60_000)
    # The kernel is chosen from the notebook's metadata; no dialog may ask for one.
    page.wait_for_selector(".jp-KernelName:has-text('Java (multiprocessing)')", timeout=60_000)
    assert page.locator(".jp-Dialog").count() == 0, "JupyterLab asked for a kernel"
    return page


def test_jupyterlab_offers_only_the_project_kernel(lab):
    base, token = lab
    import json
    specs = json.load(urllib.request.urlopen(f"{base}/api/kernelspecs?token={token}", timeout=30))
    assert sorted(specs["kernelspecs"]) == ["java-multiprocessing"], sorted(specs["kernelspecs"])


def test_jupyterlab_shows_the_kernel_idle_and_no_news(browser, lab):
    page = open_notebook(browser, lab, "01-processes.ipynb")
    # Before any cell runs, the status bar says the started kernel is idle, not "Unknown".
    page.wait_for_function("""() => [...document.querySelectorAll('.jp-StatusBar-Widget')]
        .some(e => e.textContent.includes('Java (multiprocessing) | Idle'))""", timeout=120_000)
    config = page.evaluate("() => JSON.parse(document.getElementById('jupyter-config-data').textContent)")
    assert "@jupyterlab/apputils-extension:announcements" in config.get("disabledExtensions", []), config.get("disabledExtensions")
    page.wait_for_timeout(3000)
    toasts = page.locator(".Toastify__toast").all_inner_texts()
    assert not [t for t in toasts if "news" in t.lower()], toasts
    page.screenshot(path=str(SHOTS / "jupyterlab-01-idle.png"))
    page.close()


def test_jupyterlab_runs_the_welcome_notebook(browser, lab):
    page = open_notebook(browser, lab, "00-welcome.ipynb")
    run_all_cells(page)
    table = page.wait_for_selector("table.kernel-lib-table", timeout=120_000)
    assert "10 rows" in table.inner_text()
    image = page.wait_for_selector(".jp-OutputArea-output img", timeout=120_000)
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image, timeout=30_000)
    assert image.evaluate("img => img.naturalWidth") == 1280
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    image.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "jupyterlab-00-welcome.png"))
    page.close()


def test_jupyterlab_runs_the_locks_notebook_and_draws_the_histogram(browser, lab):
    page = open_notebook(browser, lab, "05-locks-and-races.ipynb")
    run_all_cells(page)
    # The only chart of the notebook is the histogram of final balances.
    histogram = page.wait_for_selector(".jp-OutputArea-output img", timeout=240_000)
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=histogram, timeout=30_000)
    assert histogram.evaluate("img => img.naturalWidth") == 1280
    page.wait_for_function("""() => [...document.querySelectorAll('.jp-OutputArea-output')]
        .some(o => o.textContent.includes('previous owner died = true'))""", timeout=120_000)
    assert page.locator("[data-mime-type='application/vnd.jupyter.error']").count() == 0
    histogram.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "jupyterlab-05-histogram.png"))
    page.close()


@pytest.fixture(scope="module")
def site(executed, tmp_path_factory):
    out = OUTPUT / "site"
    shutil.rmtree(out, ignore_errors=True)
    build_site.build(out, executed.all())
    return out


def test_site_index_lists_every_notebook_in_order(browser, site):
    page = browser.new_page()
    page.goto((site / "index.html").as_uri())
    links = page.locator("ol li a.title")
    titles = [links.nth(i).inner_text() for i in range(links.count())]
    import nbformat
    expected = [notebook_nav.title_of(nbformat.read(p, as_version=4)) for p in notebook_nav.lessons()]
    assert titles == expected
    numbers = page.locator("ol li .number").all_inner_texts()
    assert numbers == [p.name[:2] for p in notebook_nav.lessons()], "numbered as the files are"
    text = page.locator("ol").inner_text()
    for raw in ["](", "**", "`", ".ipynb"]:
        assert raw not in text, f"raw Markdown {raw!r} in the index"
    assert page.locator("ol li code").count() > 0, "inline code is rendered"
    for summary in page.locator("ol li p").all_inner_texts():
        assert summary.rstrip().endswith("."), f"a summary cut mid-sentence: {summary!r}"
    page.screenshot(path=str(SHOTS / "site-index.png"))
    page.close()


@pytest.mark.parametrize("lesson", [p.stem for p in notebook_nav.lessons()])
def test_site_page_shows_its_images_and_no_errors(browser, site, lesson):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto((site / "index.html").as_uri())
    page.locator("ol li a.title", has_text=notebook_nav.title_of(
        __import__("nbformat").read(notebook_nav.NOTEBOOKS / f"{lesson}.ipynb", as_version=4))).click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"{lesson}.html")
    images = page.locator(".jp-OutputArea-output img")
    for i in range(images.count()):
        assert images.nth(i).evaluate("img => img.complete && img.naturalWidth > 0"), f"image {i} did not load"
    # Cells tagged stderr-expected show a worker's stack trace on purpose.
    assert page.evaluate("""() => [...document.querySelectorAll("[data-mime-type='application/vnd.jupyter.stderr']")]
        .every(e => e.closest('.jp-CodeCell').classList.contains('celltag_stderr-expected'))"""), "unexpected stderr"
    assert page.locator("[data-mime-type='application/vnd.jupyter.error']").count() == 0
    assert not failed, f"requests failed (the page must work offline): {failed}"
    # A book: a bar of previous / contents / next above and below, and lines of a readable length.
    order = [p.stem for p in notebook_nav.lessons()]
    i = order.index(lesson)
    for bar in [page.locator("nav.book.top"), page.locator("nav.book.bottom")]:
        hrefs = bar.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        expected = ([f"{order[i - 1]}.html"] if i > 0 else []) + ["index.html"] + (
            [f"{order[i + 1]}.html"] if i + 1 < len(order) else [])
        assert hrefs == expected, hrefs
    width = page.locator(".jp-Notebook").first.evaluate("e => e.getBoundingClientRect().width")
    assert width <= 900, f"the text column is {width}px wide in a 1200px window"
    page.screenshot(path=str(SHOTS / f"site-{lesson}.png"), full_page=True)
    if images.count():
        images.last.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"site-{lesson}-last-chart.png"))
    page.close()
