"""End to end, as an analyst drafts claims from an article: a real browser (Debian's chromium, driven by
Playwright) against gunicorn started here (the fixtures of test_e2e.py). The CNN report of the worked
example is read from ../shared/articles (skipped when that folder is absent and CI is not set), pasted,
one draft unticked, the rest added; the World Bank's loan is then in the ledger's reconciliation. axe checks
the drafting pages; screenshots at laptop and phone width go to the test's folder or $E2E_SCREENSHOTS.
"""

from __future__ import annotations

import time
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from .articles import article
from .test_e2e import (  # noqa: F401 (fixtures)
    _example_page,
    _serious_violations,
    _signed_in,
    axe_script,
    browser,
    chromium,
    server,
    shots,
)


def _paste_the_cnn_report(page: Page) -> dict[str, str]:
    cnn = article("cnn")
    page.get_by_label("Paste the article's text").fill(cnn["text"])
    page.get_by_label("Publisher").fill("CNN")
    page.get_by_label("Title").fill(cnn["title"])
    page.get_by_label("Date").fill(cnn["date"])
    return cnn


def test_an_analyst_adds_the_cnn_reports_claims_to_a_ledger(
    server: str,  # noqa: F811
    browser: Browser,  # noqa: F811
    shots: Path,  # noqa: F811
    axe_script: Path,  # noqa: F811
) -> None:
    # axe's script is injected into the page: this context lets it past the page's Content-Security-Policy
    context, page = _signed_in(browser, server, bypass_csp=True)
    page.goto(server + "/")
    page.get_by_role("button", name="Open the example ledger").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Central American Security Conference 2011")
    ledger_url = page.url.split("#")[0].split("?")[0]
    problems: dict[str, list[str]] = {}

    page.get_by_role("link", name="Add claims from an article").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add claims from an article")
    # no text: the problem is named at its field, the source as typed kept
    page.get_by_label("Publisher").fill("CNN")
    page.get_by_role("button", name="Draft the claims").click()
    expect(page.locator("#problem-text")).to_contain_text("paste the article's text")
    expect(page.get_by_label("Publisher")).to_have_value("CNN")
    problems["form with a problem"] = _serious_violations(page, axe_script)

    page.goto(ledger_url + "/draft")
    _paste_the_cnn_report(page)
    problems["form"] = _serious_violations(page, axe_script)
    start = time.perf_counter()  # a timing recorded beside the screenshots, never asserted
    page.get_by_role("button", name="Draft the claims").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the drafts")
    drafted_ms = (time.perf_counter() - start) * 1000
    problems["drafts"] = _serious_violations(page, axe_script)
    page.screenshot(path=shots / "50-drafts-laptop.png", full_page=False)
    page.screenshot(path=shots / "51-drafts-laptop-full.png", full_page=True)

    drafts = page.locator('[data-testid="draft"]')
    expect(drafts).to_have_count(5)
    expect(page.locator('[data-testid="draft"][data-claim="no"]')).to_contain_text("$35 billion")
    expect(page.locator("a.fig.claim")).to_have_count(4)
    add = page.get_by_role("button", name="Add 4 ticked claims")
    expect(add).to_be_visible()
    # untick Obama's $200m (it sits inside the US $300m): the button counts again
    obama = drafts.filter(has_text="President Barack Obama pledged more than $200 million")
    obama.get_by_role("checkbox").uncheck()
    expect(page.get_by_role("button", name="Add 3 ticked claims")).to_be_visible()
    # side by side on a laptop: the text left of the drafts
    text_box = page.locator(".article-side").bounding_box()
    drafts_box = page.locator(".drafts-side").bounding_box()
    assert text_box and drafts_box and text_box["x"] + text_box["width"] <= drafts_box["x"]

    page.get_by_role("button", name="Add 3 ticked claims").click()
    expect(page.locator(".meta")).to_contain_text("Version 2 of 2")
    expect(page.locator("#changes")).to_contain_text("Claims added (3)")
    expect(
        page.get_by_text("The World Bank will support Central American security efforts").first
    ).to_be_visible()
    world_bank_loans = page.locator("#pledges tbody tr", has_text="World Bank").filter(has_text="loan")
    expect(world_bank_loans.first).to_contain_text("USD 1bn")
    page.screenshot(path=shots / "52-after-adding.png", full_page=False)
    assert not any(problems.values()), problems
    context.close()

    # a phone: the text above the drafts, nothing wider than the screen
    phone, page = _signed_in(browser, server, viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(ledger_url + "/draft")
    _paste_the_cnn_report(page)
    page.get_by_role("button", name="Draft the claims").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the drafts")
    page.screenshot(path=shots / "53-drafts-phone.png", full_page=False)
    page.screenshot(path=shots / "54-drafts-phone-full.png", full_page=True)
    page.locator('[data-testid="draft"]').first.screenshot(path=shots / "55-draft-phone.png")
    bar = page.locator(".drafts-actions").bounding_box()
    assert bar and bar["height"] < 844 / 8  # the sticky add bar leaves the screen to the drafts
    text_box = page.locator(".article-side").bounding_box()
    drafts_box = page.locator(".drafts-side").bounding_box()
    assert text_box and drafts_box and text_box["y"] + text_box["height"] <= drafts_box["y"]
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
              .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.tagName + '.' + e.className)"""
    )
    assert too_wide == []
    phone.close()
    (shots / "drafting-timings.txt").write_text(
        f"Draft the claims pressed to the drafts page shown: {drafted_ms:.0f} ms\n"
    )
