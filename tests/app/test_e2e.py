"""End to end, as a person would: a real browser (Debian's chromium, driven by Playwright) against a
gunicorn server started here on a free localhost port with SQLite in a temporary folder.

The test fails, never skips, when chromium is missing and cannot be installed. Screenshots of every page
go to the test's temporary folder, or to $E2E_SCREENSHOTS when set.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
EMAIL = "ana@example.org"
PASSWORD = "correct horse battery"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def chromium() -> str:
    """Debian's chromium, installed when missing; the test fails when it cannot be."""
    if not os.access(CHROMIUM, os.X_OK):
        done = subprocess.run([str(ROOT / "scripts" / "ensure-chromium")], capture_output=True, text=True)
        if done.returncode != 0 or not os.access(CHROMIUM, os.X_OK):
            pytest.fail(
                f"chromium is needed for the end-to-end test and could not be installed:\n{done.stderr}"
            )
    return CHROMIUM


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """gunicorn serving wsgi:app on a free port, with a fresh SQLite database; its base URL."""
    instance = tmp_path_factory.mktemp("instance")
    port = _free_port()
    env = {**os.environ, "INSTANCE_PATH": str(instance), "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.stdout else ""
                    pytest.fail(f"gunicorn did not start:\n{output}")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("E2E_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _distinct(page: Page) -> str:
    return page.locator('[data-testid="figures-USD"] [data-testid="distinct"]').inner_text()


def test_an_analyst_reconciles_the_worked_example(
    server: str, browser: Browser, shots: Path, tmp_path: Path, example_xlsx: bytes, broken_xlsx: bytes
) -> None:
    example_file = tmp_path / "central-america-2011.xlsx"
    example_file.write_bytes(example_xlsx)
    broken_file = tmp_path / "broken.xlsx"
    broken_file.write_bytes(broken_xlsx)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()

    # a fresh installation asks for the first account, an administrator
    page.goto(server + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create the first account")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password (at least 10 characters)").fill(PASSWORD)
    page.get_by_label("The same password again").fill(PASSWORD)
    page.screenshot(path=shots / "00-setup.png", full_page=True)
    page.get_by_role("button", name="Create the administrator").click()

    # home: upload the worked example
    expect(page.get_by_role("heading", name="Reconcile a pledge ledger")).to_be_visible()
    expect(page.locator("nav.account")).to_contain_text(EMAIL)
    page.screenshot(path=shots / "01-home.png", full_page=True)
    page.get_by_label(re.compile("^Workbook")).set_input_files(example_file)
    page.get_by_role("button", name="Upload and reconcile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Central American Security Conference 2011")
    ledger_url = page.url
    page.screenshot(path=shots / "02-ledger.png", full_page=True)

    # the three reports of the US pledge are grouped, and Obama's $200m is flagged as inside it
    duplicate = page.locator('article[data-kind="duplicate"]')
    expect(duplicate).to_have_count(1)
    expect(duplicate.locator("figure.quote")).to_have_count(3)
    for claim in ("BBC-1", "BBC-3", "CNN-3"):
        expect(duplicate.locator("figcaption strong", has_text=claim)).to_have_count(1)
    contained = page.locator('article[data-kind="contained"]')
    expect(contained).to_contain_text("President Barack Obama pledged more than $200 million")
    expect(contained).to_contain_text("USD 200m")
    expect(contained).to_contain_text("sits inside")

    # accept one finding, reject another: the totals follow
    before = _distinct(page)
    duplicate.get_by_label("Note (optional)").fill("same pledge, three reports")
    duplicate.get_by_role("button", name="Accept").click()
    expect(page.locator('article[data-kind="duplicate"] [data-testid="state"]')).to_have_text("accepted")
    assert _distinct(page) == before  # accepting what was already assumed keeps the figure
    page.locator('article[data-kind="contained"]').get_by_role("button", name="Reject").click()
    expect(page.locator('article[data-kind="contained"] [data-testid="state"]')).to_have_text("rejected")
    after = _distinct(page)
    assert after != before, f"rejecting the containment should raise the distinct total from {before}"
    expect(page.locator("#audit")).to_contain_text(f"by {EMAIL}")  # the account, not a typed name
    page.screenshot(path=shots / "03-decided.png", full_page=True)

    # download the report (the Excel report when installed, else the ledger workbook) and check it
    duplicate_id = (page.locator('article[data-kind="duplicate"]').get_attribute("id") or "").removeprefix(
        "finding-"
    )
    kind = (
        "Excel report" if importlib.util.find_spec("exports.report") else "Ledger workbook (with decisions)"
    )
    with page.expect_download() as download_info:
        page.get_by_role("link", name=kind).click()
    report = openpyxl.load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    cells = {
        str(c) for sheet in report.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c
    }
    assert duplicate_id in cells, f"the {kind} does not mention the accepted finding {duplicate_id}"

    # a phone sees the same page
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone_page = phone.new_page()
    phone_page.goto(page.url)  # another browser: sign in first, then back to the ledger
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Sign in")
    phone_page.get_by_label("Email").fill(EMAIL)
    phone_page.get_by_label("Password").fill(PASSWORD)
    phone_page.get_by_role("button", name="Sign in").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text(
        "Central American Security Conference 2011"
    )
    phone_page.screenshot(path=shots / "04-ledger-phone.png", full_page=False)
    phone.close()

    # a broken workbook: every problem, at its cell, and nothing stored
    page.goto(server + "/")
    page.get_by_label(re.compile("^Workbook")).set_input_files(broken_file)
    page.get_by_role("button", name="Upload and reconcile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The workbook has problems")
    problems = page.locator("ol.problem-list li")
    expect(problems.filter(has_text="Claims!G3")).to_contain_text("3OOm")
    expect(problems.filter(has_text="Claims!B9")).to_contain_text("NOPE")
    page.screenshot(path=shots / "05-problems.png", full_page=True)

    page.goto(server + "/")
    expect(page.locator("table tbody tr")).to_have_count(1)
    page.screenshot(path=shots / "06-home-with-ledger.png", full_page=True)

    # an API token, shown once, works against the API from a script
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Name (what the token is for)").fill("e2e script")
    page.get_by_role("button", name="Create a token").click()
    token = page.get_by_label("Your new token (shown this once)").input_value()
    page.screenshot(path=shots / "07-settings-token.png", full_page=True)
    request = urllib.request.Request(server + "/api/v1/ledgers", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert len(json.load(response)["ledgers"]) == 1

    # signing out leads to the sign-in page, and the ledger is no longer shown
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.goto(ledger_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.screenshot(path=shots / "08-signed-out.png", full_page=True)
    context.close()
    assert sorted(p.name for p in shots.glob("*.png")) == [
        "00-setup.png",
        "01-home.png",
        "02-ledger.png",
        "03-decided.png",
        "04-ledger-phone.png",
        "05-problems.png",
        "06-home-with-ledger.png",
        "07-settings-token.png",
        "08-signed-out.png",
    ]
