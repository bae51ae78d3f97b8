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
from dataclasses import replace as dataclass_replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from benchmarks.synthetic import synthetic_ledger
from ledger import Ledger, example_ledger
from ledger.workbook import save_workbook

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
    """gunicorn serving wsgi:app on a free port with a fresh SQLite database, and the task queue's worker
    beside it, as scripts/run starts them; the base URL."""
    instance = tmp_path_factory.mktemp("instance")
    port = _free_port()
    env = {**os.environ, "INSTANCE_PATH": str(instance), "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    env.pop("QUEUE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    worker: subprocess.Popen[bytes] | None = None
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
        # started once gunicorn has migrated the database
        worker = subprocess.Popen(
            [sys.executable, "-m", "app.worker"],
            cwd=ROOT,
            env={**env, "MIGRATE_ON_START": "0"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        yield base
    finally:
        for running in (worker, process):
            if running is None:
                continue
            running.terminate()
            try:
                running.wait(timeout=10)
            except subprocess.TimeoutExpired:
                running.kill()
                running.wait()
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
    duplicate.get_by_label("Note on duplicate reports").fill("same pledge, three reports")
    duplicate.get_by_role("button", name="Accept duplicate reports of United States, USD 300m").click()
    expect(page.locator('article[data-kind="duplicate"] [data-testid="state"]')).to_have_text("accepted")
    assert _distinct(page) == before  # accepting what was already assumed keeps the figure
    page.locator('article[data-kind="contained"]').get_by_role(
        "button", name="Reject a contained pledge"
    ).click()
    expect(page.locator('article[data-kind="contained"] [data-testid="state"]')).to_have_text("rejected")
    expect(page.locator('[data-testid="change"]')).to_contain_text("distinct USD 1.3bn → USD 1.5bn")
    after = _distinct(page)
    assert after != before, f"rejecting the containment should raise the distinct total from {before}"
    page.reload()  # recorded without a reload; the trail is there when the page is opened again
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


# ---- the ledger page as a work queue ------------------------------------------------------------------------


def _signed_in(browser: Browser, server: str, **options: Any) -> tuple[BrowserContext, Page]:
    """A new browser signed in as the first account (made here when the installation is fresh)."""
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **options})
    page = context.new_page()
    page.goto(server + "/")
    heading = page.get_by_role("heading", level=1).inner_text()
    if heading == "Create the first account":
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password (at least 10 characters)").fill(PASSWORD)
        page.get_by_label("The same password again").fill(PASSWORD)
        page.get_by_role("button", name="Create the administrator").click()
    elif heading == "Sign in":
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
    expect(page.locator("nav.account")).to_contain_text(EMAIL)
    return context, page


@pytest.fixture(scope="module")
def axe_script() -> Path:
    """axe-core from npm (scripts/ensure-axe installs it once); the test fails when it cannot be."""
    done = subprocess.run([str(ROOT / "scripts" / "ensure-axe")], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(
            f"axe-core is needed for the accessibility check and could not be installed:\n{done.stderr}"
        )
    return Path(done.stdout.strip())


def _serious_violations(page: Page, axe: Path) -> list[str]:
    """axe-core's serious and critical violations on the page, in words."""
    page.add_script_tag(path=str(axe))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in {"serious", "critical"}
    ]


def _example_page(page: Page, server: str) -> str:
    page.goto(server + "/")
    page.get_by_role("button", name="Open the example ledger").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Central American Security Conference 2011")
    return page.url.split("#")[0].split("?")[0]


def test_the_queue_is_worked_with_keys_filters_and_bulk_decisions(
    server: str, browser: Browser, shots: Path
) -> None:
    context, page = _signed_in(browser, server)
    ledger_url = _example_page(page, server)
    cards = page.locator("article.finding")
    expect(cards).to_have_count(8)
    expect(page.locator("#keys")).to_contain_text("j/k next/previous finding")
    # the largest amount at stake first; what accepting and rejecting do, in numbers
    contained = page.locator('article[data-kind="contained"]')
    expect(contained.locator('[data-testid="if-accept"]')).to_have_text("distinct high bound −USD 220m")
    expect(contained.locator('[data-testid="if-reject"]')).to_have_text("distinct +USD 200m")
    page.screenshot(path=shots / "10-queue.png", full_page=False)

    # keys: j to the first finding, k back, a to accept it; recorded without a reload, the next one current
    page.locator("h1").click()
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    first = cards.first
    expect(first).to_have_class(re.compile(r"\bcurrent\b"))
    first_id = first.get_attribute("id")
    page.keyboard.press("a")
    expect(page.locator(f"#{first_id} [data-testid='state']")).to_have_text("accepted")
    expect(page.locator("#decision-status")).to_contain_text("Recorded.")
    expect(page.locator(f"#{first_id} + article.finding")).to_have_class(re.compile(r"\bcurrent\b"))
    assert page.url.startswith(ledger_url)  # never left the page

    # Enter in a note saves the note and never decides
    second = page.locator(f"#{first_id} + article.finding")
    second.locator('input[name="note"]').fill("looking into it")
    second.locator('input[name="note"]').press("Enter")
    expect(page.locator("#decision-status")).to_contain_text("a note is kept with a decision")
    expect(second.locator('[data-testid="state"]')).to_have_text("undecided")

    # filter by kind through the form, select two findings and reject them at once
    page.get_by_label("Kind").select_option("already_provided")
    page.get_by_role("button", name="Show findings").click()
    expect(cards).to_have_count(2)
    for i in range(2):
        cards.nth(i).locator("input.select").check()
    page.get_by_role("button", name="Reject selected").click()
    expect(page.locator('article.finding [data-testid="state"]')).to_have_text(["rejected", "rejected"])
    expect(page.locator('[data-testid="change"]')).to_contain_text("distinct")
    page.screenshot(path=shots / "11-queue-bulk.png", full_page=False)

    # "accept all N shown": every finding the filter keeps
    page.goto(ledger_url + "?state=undecided")
    undecided = cards.count()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=f"Accept all {undecided} findings shown").click()
    expect(page.locator('[data-testid="bar-undecided"]')).to_contain_text("0 undecided")
    page.reload()
    expect(page.locator('[data-testid="findings-count"]')).to_have_text("8 found, 0 undecided")

    # what counts: each pledge says so, with the finding; a donor's bar leads to its pledges and claims
    pledges = page.locator("#pledges")
    expect(pledges.locator("#pledge-P-CNN-4 [data-testid='counts']")).to_have_text("not counted")
    page.locator("a.bar-label", has_text="World Bank").first.click()
    expect(page.locator('[data-testid="focus"]')).to_contain_text("World Bank")
    expect(page.locator("#pledges tbody th[scope=row]")).to_have_count(2)
    page.screenshot(path=shots / "12-drill-down.png", full_page=False)
    context.close()


def test_a_new_version_carries_the_decisions(
    server: str, browser: Browser, shots: Path, tmp_path: Path
) -> None:
    context, page = _signed_in(browser, server)
    page.goto(server + "/")
    page.get_by_label(re.compile("^Workbook")).set_input_files(
        _workbook_file(tmp_path, example_ledger(), "v1.xlsx")
    )
    page.get_by_role("button", name="Upload and reconcile").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Central American Security Conference 2011")
    duplicate = page.locator('article[data-kind="duplicate"]')
    old_id = (duplicate.get_attribute("id") or "").removeprefix("finding-")
    duplicate.get_by_role("button", name="Accept duplicate reports").click()
    expect(duplicate.locator('[data-testid="state"]')).to_have_text("accepted")
    # version 2: a fourth report of the US $300m joins the three: the duplicate finding has a new id
    book = example_ledger()
    cnn3 = next(c for c in book.claims if c.id == "CNN-3")
    retold = book.with_claim(dataclass_replace(cnn3, id="CNN-5", quote="Nearly $300m, the US said again."))
    page.get_by_label(re.compile("^Upload a new version")).set_input_files(
        _workbook_file(tmp_path, retold, "v2.xlsx")
    )
    page.get_by_role("button", name="Upload new version").click()
    expect(page.locator(".meta")).to_contain_text("Version 2 of 2")
    carried = page.locator('article[data-kind="duplicate"]')
    expect(carried.locator('[data-testid="state"]')).to_have_text("accepted")
    expect(carried.locator('[data-testid="carried"]')).to_contain_text(
        f"carried over from {old_id}: 3 of 3 claims the same"
    )
    expect(page.locator("#changes")).to_contain_text("Claims added (1): CNN-5")
    expect(page.locator("#changes")).to_contain_text("Decisions carried over (1)")
    page.screenshot(path=shots / "20-version-carried.png", full_page=False)
    page.locator("#changes").screenshot(path=shots / "21-what-changed.png")
    # the carry-over can be undone like any decision
    carried.get_by_role("button", name="Undo the decision on duplicate reports").click()
    expect(page.locator('article[data-kind="duplicate"] [data-testid="state"]')).to_have_text("undecided")
    context.close()


def test_the_pages_are_accessible_and_readable_on_a_phone(
    server: str, browser: Browser, shots: Path, axe_script: Path, broken_xlsx: bytes, tmp_path: Path
) -> None:
    # axe's script is injected into the page: this context lets it past the page's Content-Security-Policy
    context, page = _signed_in(browser, server, bypass_csp=True)
    ledger_url = _example_page(page, server)
    problems: dict[str, list[str]] = {}
    for name, url in (
        ("ledger", ledger_url),
        ("ledger, one kind", ledger_url + "?kind=duplicate"),
        ("home", server + "/"),
        ("settings", server + "/settings"),
    ):
        page.goto(url)
        problems[name] = _serious_violations(page, axe_script)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(broken_xlsx)
    page.goto(server + "/")
    page.get_by_label(re.compile("^Workbook")).set_input_files(broken)
    page.get_by_role("button", name="Upload and reconcile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The workbook has problems")
    problems["problems"] = _serious_violations(page, axe_script)
    assert not any(problems.values()), problems
    context.close()

    phone, page = _signed_in(browser, server, viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(ledger_url)
    page.screenshot(path=shots / "30-phone-top.png", full_page=False)
    page.locator("#totals").screenshot(path=shots / "31-phone-totals.png")
    page.locator("article.finding").first.screenshot(path=shots / "32-phone-finding.png")
    # nothing wider than the screen but the tables, which scroll in their own box
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll('main *')].filter(e => !e.closest('.table-wrap'))
              .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.tagName + '.' + e.className)"""
    )
    assert too_wide == []
    font = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.bar-label')).fontSize)")
    assert font >= 14  # the charts' names readable on a phone
    phone.close()


def test_a_ten_thousand_claim_ledger(server: str, browser: Browser, shots: Path, tmp_path: Path) -> None:
    """A timing benchmark, not a timed test: it records how long each step took (timings.json beside the
    screenshots) and asserts only that each step did what it should."""
    context, page = _signed_in(browser, server)
    timings: dict[str, float] = {}
    big = _workbook_file(tmp_path, synthetic_ledger(10_000), "synthetic-10000.xlsx")
    page.goto(server + "/")
    page.get_by_label(re.compile("^Workbook")).set_input_files(big)
    start = time.perf_counter()
    page.get_by_role("button", name="Upload and reconcile").click()
    expect(page.locator("[data-upload-words]").first).to_contain_text("synthetic-10000.xlsx")
    timings["upload: progress shown, ms"] = (time.perf_counter() - start) * 1000
    expect(page.get_by_role("heading", level=1)).to_have_text("synthetic 10000", timeout=180_000)
    timings["upload: the ledger open, ms"] = (time.perf_counter() - start) * 1000
    ledger_url = page.url.split("#")[0].split("?")[0]
    page.goto(ledger_url)
    timings["page: interactive, ms"] = page.evaluate(
        "() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
    )
    expect(page.locator("article.finding")).to_have_count(20)
    expect(page.locator("#pledges tbody th[scope=row]")).to_have_count(25)
    expect(page.locator('[data-testid="queue-shown"]')).to_contain_text("Showing 1–20 of")
    page.screenshot(path=shots / "40-ten-thousand.png", full_page=False)
    start = time.perf_counter()
    page.goto(ledger_url + "?kind=contained")
    expect(page.locator("article.finding").first).to_have_attribute("data-kind", "contained")
    timings["filter: one kind, ms"] = (time.perf_counter() - start) * 1000
    before = page.locator('[data-testid^="bar-distinct-"]').first.inner_text()
    start = time.perf_counter()
    page.locator("article.finding").first.get_by_role(
        "button", name=re.compile("^Accept a contained")
    ).click()
    expect(page.locator('[data-testid="change"]')).to_contain_text("distinct high bound")
    timings["decision: in the totals, ms"] = (time.perf_counter() - start) * 1000
    expect(page.locator("article.finding [data-testid='state']").first).to_have_text("accepted")
    assert before  # the bar showed the totals before, and says how they moved now
    (shots / "timings.json").write_text(json.dumps(timings, indent=2) + "\n")
    context.close()


def _workbook_file(folder: Path, book: Ledger, name: str) -> Path:
    path = folder / name
    with path.open("wb") as out:
        save_workbook(book, out)
    return path
