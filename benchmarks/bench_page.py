"""Benchmark: the ledger page as an analyst feels it, in Chromium against the service as `scripts/run` starts it.

    .venv/bin/python -m benchmarks.bench_page                    # 10,000 and 100,000 claims
    .venv/bin/python -m benchmarks.bench_page --claims 10000 --repeat 7

For each synthetic ledger (benchmarks/synthetic.py): a fresh instance (SQLite, the default gunicorn workers
and threads of scripts/run) on a free localhost port, the first account made in the browser, then

- upload: the workbook chosen on the home page; when the page first shows progress, and when the ledger's
  page is open (a large upload is read in the background, with a progress page);
- page: the ledger's page opened again and again, until it is interactive (DOMContentLoaded: the page's
  scripts run deferred, just before it), counted from the first request (a worker that has not read a large
  ledger answers at once with a page that looks again each second); with the HTML's size and elements;
- decision: Accept pressed on the finding at the top of the queue, and Undo, alternately, until the totals
  kept in view say what changed (no reload); and once a rejected duplicate, which runs the engine again;
- filter: the queue filtered by a kind, the pledges by an amount ("300m"), the claims sorted by period.

Each is timed `--repeat` times; the median and the slowest are printed (the slowest is often the first,
on a worker that had not read the ledger yet). It is a benchmark, not a test: it asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from ledger.workbook import save_workbook

from .synthetic import synthetic_ledger

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
EMAIL = "bench@example.org"
PASSWORD = "correct horse battery"
# what the page says once a decision is in the totals kept in view
RECORDED = "Recorded."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def service(folder: Path) -> Iterator[str]:
    """The service as `scripts/run` starts it, on a free port with its own instance; its base URL."""
    port = _free_port()
    env = {
        **os.environ,
        "INSTANCE_PATH": str(folder / "instance"),
        "PORT": str(port),
        "MAX_UPLOAD_MB": "100",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL", None)
    log = (folder / "service.log").open("w")
    process = subprocess.Popen([str(ROOT / "scripts" / "run")], cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the service did not start: see {folder / 'service.log'}") from None
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _navigation(page: Page) -> dict[str, float]:
    """The last navigation's timings (ms from its start) and the page's size."""
    timing = page.evaluate(
        """() => {
            const n = performance.getEntriesByType("navigation")[0];
            return {interactive: n.domContentLoadedEventEnd, loaded: n.loadEventEnd,
                    bytes: n.transferSize || n.encodedBodySize, elements: document.getElementsByTagName("*").length};
        }"""
    )
    return {k: float(v) for k, v in timing.items()}


def _timed(repeat: int, call: Callable[[], float]) -> tuple[float, float]:
    """(median, slowest) of `repeat` calls, each returning milliseconds."""
    times = [call() for _ in range(repeat)]
    return statistics.median(times), max(times)


DECIDE = """async ([selector, value, recorded]) => {
    const card = document.querySelector(selector);
    const button = card.querySelector(`button[value="${value}"]`);
    const status = document.getElementById("decision-status");
    const start = performance.now();
    const done = new Promise((resolve) => {
        const watch = new MutationObserver(() => {
            if (status.textContent.startsWith(recorded)) { watch.disconnect(); resolve(performance.now() - start); }
        });
        watch.observe(status, {childList: true, characterData: true, subtree: true});
    });
    button.click();
    return await done;
}"""


def bench(claims: int, repeat: int, folder: Path) -> list[tuple[str, float, float, str]]:
    """(what, median ms, slowest ms, note) for one synthetic ledger."""
    workbook = folder / f"synthetic-{claims}.xlsx"
    with workbook.open("wb") as out:
        save_workbook(synthetic_ledger(claims), out)
    rows: list[tuple[str, float, float, str]] = []
    with service(folder) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.set_default_timeout(600_000)
        page.goto(base + "/")
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password (at least 10 characters)").fill(PASSWORD)
        page.get_by_label("The same password again").fill(PASSWORD)
        page.get_by_role("button", name="Create the administrator").click()
        page.wait_for_url(base + "/")

        # upload: progress from the first moment, then the ledger's page
        page.get_by_label("Workbook (").set_input_files(workbook)
        start = time.perf_counter()
        page.get_by_role("button", name="Upload and reconcile").click()
        page.locator("[data-upload-words]").filter(has_text=workbook.name).first.wait_for()
        first_progress = (time.perf_counter() - start) * 1000
        page.wait_for_url("**/ledgers/*")
        page.locator("#findings").wait_for()
        opened = (time.perf_counter() - start) * 1000
        size_kb = workbook.stat().st_size / 1024
        rows.append(
            ("upload: progress first shown", first_progress, first_progress, f"{size_kb:,.0f} kB workbook")
        )
        rows.append(("upload: the ledger's page open", opened, opened, "read, reconciled, stored"))
        ledger_url = page.url.split("#")[0].split("?")[0]

        seen: dict[str, float] = {}

        def load(url: str) -> Callable[[], float]:
            def call() -> float:
                # until the ledger's page is interactive: a worker that has not read the ledger answers
                # with a page that looks again each second, so this counts from the first request
                start = time.perf_counter()
                page.goto(url, wait_until="commit")
                page.locator("#findings").wait_for()
                page.wait_for_load_state("domcontentloaded")
                waited = (time.perf_counter() - start) * 1000
                timing = _navigation(page)
                seen.update(timing)
                return max(waited, timing["interactive"])

            return call

        median, slowest = _timed(repeat, load(ledger_url))
        rows.append(
            (
                "ledger page: interactive",
                median,
                slowest,
                f"{seen['bytes'] / 1024:,.0f} kB HTML, {seen['elements']:,.0f} elements",
            )
        )
        fresh_seen: dict[str, float] = {}

        def fresh_connection() -> float:
            # a new browser context opens a new connection, which either worker may take
            context = browser.new_context(
                viewport={"width": 1280, "height": 900}, storage_state=page.context.storage_state()
            )
            other = context.new_page()
            other.set_default_timeout(600_000)
            start = time.perf_counter()
            other.goto(ledger_url, wait_until="commit")
            other.locator("#findings").wait_for()
            other.wait_for_load_state("domcontentloaded")
            waited = (time.perf_counter() - start) * 1000
            timing = _navigation(other)
            fresh_seen.update(timing)
            context.close()
            return max(waited, timing["interactive"])

        median, slowest = _timed(repeat, fresh_connection)
        rows.append(
            (
                "ledger page: a new connection each time",
                median,
                slowest,
                "either worker; the slowest: one that had not read it",
            )
        )
        first = "article.finding"
        verdicts = iter(["accept", "undecided"] * repeat)

        def decide() -> float:
            value = next(verdicts)
            elapsed: float = page.evaluate(DECIDE, [first, value, RECORDED])
            return elapsed

        page.goto(ledger_url)
        median, slowest = _timed(repeat * 2, decide)
        rows.append(("decision: in the totals (accept / undo)", median, slowest, "no reload"))
        page.goto(ledger_url + "?kind=duplicate")
        card = page.locator('article.finding[data-kind="duplicate"]').first
        card_id = card.get_attribute("id")
        start = time.perf_counter()
        card.locator('button[value="reject"]').click()
        # a large ledger is reconciled in the background: the page says so, then shows it anew
        page.locator(f"#{card_id}.rejected").wait_for()
        rejected = (time.perf_counter() - start) * 1000
        rows.append(("decision: reject a duplicate (regroups)", rejected, rejected, "the engine runs again"))
        for what, query in (
            ("filter: findings of one kind", "?kind=contained"),
            ("filter: pledges of 300m", "?pledges_q=300m#pledges"),
            ("sort: claims by period, page 3", "?claims_sort=period&claims_page=3#claims"),
        ):
            median, slowest = _timed(repeat, load(ledger_url + query))
            rows.append((what, median, slowest, "a page load"))
        browser.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument(
        "--claims", type=int, nargs="*", default=[10_000, 100_000], help="synthetic ledger sizes"
    )
    parser.add_argument("--repeat", type=int, default=5, help="calls per measurement")
    args = parser.parse_args(argv)
    print(
        f"Python {sys.version.split()[0]}; Chromium against scripts/run (gunicorn, SQLite); median and slowest of {args.repeat}"
    )
    for claims in args.claims:
        with tempfile.TemporaryDirectory(prefix="ledger-bench-page-") as folder:
            rows = bench(claims, args.repeat, Path(folder))
        print(f"\n== {claims:,} claims")
        print(f"{'':<42}{'median ms':>11}{'slowest ms':>12}  note")
        for what, median, slowest, note in rows:
            print(f"{what:<42}{median:>11,.0f}{slowest:>12,.0f}  {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
