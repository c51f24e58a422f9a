"""The trainer's app in a real browser: Debian's chromium, driven by playwright, with no internet.

Starts `groupsim app` on a free port, blocks every request that is not to that server (the page
must work offline), steps ten days, mass-adds people, plays and pauses, switches to Chinese and
saves screenshots in test-artifacts/. Without chromium the test is skipped locally and fails in CI
(CI must prove the app works).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sim.app.headless import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"


def _require(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the browser test must run)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """`groupsim app scenarios/baseline.yaml` on a free port; yields its URL."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / "app-server.log", "w")  # noqa: SIM115 (the server writes to it)
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "app", "scenarios/baseline.yaml", "--port", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"the app server exited with code {proc.returncode}; see test-artifacts/app-server.log"
                )
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the app server did not answer within 90 s")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture()
def page(server):
    _require(
        Path(CHROMIUM).exists() or shutil.which("chromium") is not None,
        "Debian's chromium is not installed (apt-get install -y chromium)",
    )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _require(False, "the playwright package is not installed")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=CHROMIUM_ARGS,
        )
        tab = browser.new_page(viewport={"width": 1500, "height": 1050})
        tab.set_default_timeout(90_000)  # the first render takes 25-40 s on a loaded 2-core machine
        tab.external_requests = []  # what the page tried to fetch from anywhere but the app server

        def offline(route):
            if route.request.url.startswith(server.rstrip("/")) or route.request.url.startswith(
                "ws://127.0.0.1"
            ):
                route.continue_()
            else:
                tab.external_requests.append(route.request.url)
                route.abort()

        tab.route("**/*", offline)
        try:
            yield tab
        finally:
            browser.close()


# --------------------------------------------------------------------------------- helpers


def _plot(page, chart: str, expression: str):
    """Evaluate `expression` on the Plotly graph div `gd` of chart `chart`."""
    return page.evaluate(
        f"() => {{ const gd = document.querySelector('.groupsim-chart-{chart} .js-plotly-plot');"
        f" return {expression}; }}"
    )


def _wait_plot(page, chart: str, condition: str) -> None:
    page.wait_for_function(
        f"() => {{ const gd = document.querySelector('.groupsim-chart-{chart} .js-plotly-plot');"
        f" return !!(gd && gd.data && ({condition})); }}"
    )


def _status(page) -> str:
    return page.inner_text(".groupsim-status-a")


def _wait_status(page, text: str) -> None:
    page.wait_for_function(
        "t => (document.querySelector('.groupsim-status-a') || {}).innerText?.includes(t)", arg=text
    )


def _settled_status(page, quiet: float = 1.0, most: float = 20.0) -> str:
    """The status once it has stopped changing for `quiet` seconds: a day drawn just before a pause
    may still be on its way to the browser."""
    status, since, start = _status(page), time.monotonic(), time.monotonic()
    while time.monotonic() - since < quiet and time.monotonic() - start < most:
        time.sleep(0.2)
        now = _status(page)
        if now != status:
            status, since = now, time.monotonic()
    return status


def _wait_day_at_least(page, day: int) -> None:
    page.wait_for_function(
        "d => { const m = /Day (\\d+)/"
        ".exec(document.querySelector('.groupsim-status-a').innerText);"
        " return m && Number(m[1]) >= d; }",
        arg=day,
    )


def _step(page, days: int, start: int) -> None:
    for day in range(start + 1, start + days + 1):
        page.click(".groupsim-step")
        _wait_status(page, f"Day {day}")


# ----------------------------------------------------------------------------------- test


def test_trainer_steps_intervenes_plays_and_switches_to_chinese(page, server):
    page.goto(server)
    page.wait_for_selector(".groupsim-status-a")
    _wait_plot(page, "members", "gd.data.length === 3")  # members, value and sustained contributors
    before = _status(page)
    assert "ALIVE · Day 0" in before
    assert page.locator("text=Play Interval").count() == 0  # Mesa's single-model controls are not mounted

    # ten days, one click each: the charts grow a point per day, the indicator counts the days
    _step(page, 10, 0)
    _wait_plot(page, "members", "gd.data[0].x.length === 10")
    after_ten = _status(page)
    assert "ALIVE · Day 10" in after_ten and after_ten != before
    assert (
        _plot(
            page,
            "network",
            "gd.data.filter(t => t.mode === 'markers').reduce((s, t) => s + t.x.length, 0)",
        )
        > 0
    )

    # an intervention acts on the next day and is marked there on the charts
    page.click(".groupsim-iv-mass_add")
    page.wait_for_selector(".groupsim-queued")
    assert "day 11" in page.inner_text(".groupsim-queued")
    _step(page, 2, 10)
    _wait_plot(page, "flows", "gd.data[0].x.length === 12")
    joined = _plot(page, "flows", "Array.from(gd.data[0].y)")
    assert joined[10] >= 100  # day 11: the hundred people pulled in
    _wait_plot(page, "members", "(gd.layout.shapes || []).some(s => s.x0 === 11)")
    assert "mass-add" in _plot(page, "members", "gd.layout.annotations.map(a => a.text).join(' ')")
    members = _plot(page, "members", "Array.from(gd.data[0].y)")
    assert members[10] >= members[9] + 50

    # play runs on by itself until paused
    page.click(".groupsim-play")
    _wait_day_at_least(page, 15)  # playing fast may draw every few days
    page.click(".groupsim-pause")
    page.wait_for_selector(".groupsim-play")
    paused = _settled_status(page)
    time.sleep(1.5)
    assert _status(page) == paused  # paused: no further day is simulated
    page.screenshot(path=str(ARTIFACTS / "app-en.png"), full_page=True)

    # every label follows the language switch
    page.click(".groupsim-lang-zh")
    page.wait_for_function("() => document.querySelector('.groupsim-step').innerText.includes('前进一天')")
    _wait_status(page, "第 ")
    status_zh = _status(page)
    assert "存活" in status_zh or "已死亡" in status_zh
    _wait_plot(page, "members", "gd.layout.title.text === '成员数 vs 价值贡献者'")
    assert "价值贡献者" in _plot(page, "members", "gd.data[1].name")
    assert page.locator(".groupsim-iv-mass_add").inner_text().strip() == "拉 100 人进群"
    for english in ("Step 1 day", "Reset", "Interventions", "Levers", "ALIVE", "members vs"):
        assert page.locator(f"text={english}").count() == 0, english
    page.screenshot(path=str(ARTIFACTS / "app-zh.png"), full_page=True)

    assert page.external_requests == []  # nothing fetched from a CDN or anywhere else
