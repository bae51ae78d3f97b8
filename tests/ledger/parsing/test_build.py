"""Building ledgers from plain values: typed text understood, every problem reported with its place."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

import ledger
from ledger import Approximation, Instrument, LedgerError, QualifierKind, Severity
from ledger.core.findings import UnitError

SOURCES = [{"id": "S1", "publisher": "Daily News", "date": "2011-06-22"}]


def claim(**fields: Any) -> dict[str, Any]:
    base = {"id": "C1", "source": "S1", "donor": "US", "amount": "nearly $300m", "recipient": "Guatemala"}
    return {**base, **fields}


def test_typed_text_becomes_domain_values() -> None:
    book = ledger.ledger_from_dict(
        {
            "sources": SOURCES,
            "claims": [
                claim(period="for the next two years", qualifiers="loan; in addition to C2"),
                claim(id="C2"),
            ],
        }
    )
    c1 = book.claims[0]
    assert c1.value == Decimal(300_000_000)
    assert c1.currency == "USD"
    assert c1.approximation is Approximation.NEARLY
    assert c1.instrument is Instrument.LOAN
    assert c1.period.start == date(2011, 6, 22) and c1.period.end == date(2013, 6, 21)
    assert [(q.kind, q.target) for q in c1.qualifiers] == [(QualifierKind.IN_ADDITION_TO, "C2")]


def test_a_bare_dollar_is_the_base_currency_and_the_ledger_says_so_once() -> None:
    built = ledger.build_ledger({"sources": SOURCES, "claims": [claim(), claim(id="C2")]})
    assert built.errors == ()
    (warning,) = built.warnings
    assert 'bare "$" was read as USD' in warning.message


def test_every_problem_at_once_with_its_place() -> None:
    built = ledger.build_ledger(
        {
            "sources": SOURCES,
            "claims": [
                claim(amount="3OOm"),
                claim(id="C2", currency="XYZ", amount="300"),
                claim(id="C3", amount=None),
                claim(id="C4", period="sometime soon", approximation="roughly-ish"),
                claim(id="C5", qualifiers="in addition to; blah"),
            ],
        }
    )
    messages = [str(p) for p in built.errors]
    assert len(messages) >= 6, messages
    assert any("3OOm" in m for m in messages)
    assert any("XYZ" in m and "ISO 4217" in m for m in messages)
    assert any("no amount" in m and "never taken as zero" in m for m in messages)
    assert any("sometime soon" in m for m in messages)
    assert any("roughly-ish" in m for m in messages)
    assert any("blah" in m for m in messages)
    with pytest.raises(LedgerError) as raised:
        built.unwrap()
    assert len(raised.value.problems) == len(built.errors)


def test_a_float_amount_is_refused_loudly() -> None:
    built = ledger.build_ledger({"sources": SOURCES, "claims": [claim(amount=300.5)]})
    assert any("float" in p.message for p in built.errors)


def test_references_are_checked_when_reconciling() -> None:
    book = ledger.ledger_from_dict(
        {"sources": SOURCES, "claims": [claim(source="NOPE", qualifiers="part of C9"), claim(id="C1")]}
    )
    result = ledger.reconcile(book)
    messages = [p.message for p in result.errors]
    assert any('source "NOPE", which is not in Sources' in m for m in messages)
    assert any("C9, which is not in Claims" in m for m in messages)
    assert any('claim ID "C1" is used more than once' in m for m in messages)
    assert result.pledges == () and result.totals == ()


def test_settings_and_rates_are_read() -> None:
    built = ledger.build_ledger(
        {
            "settings": {"base_currency": "eur", "tolerance": "5%", "fiscal_year_start": "October"},
            "sources": SOURCES,
            "claims": [claim(amount="A$1bn"), claim(id="C2", amount="US$764m", currency="USD")],
            "rates": [
                {"currency": "AUD", "rate": "0.70", "as_of": "2011-06-01"},
                {"currency": "USD", "rate": "0.69"},
            ],
        }
    )
    assert built.errors == ()
    settings = built.ledger.settings
    assert (settings.base_currency, settings.tolerance, settings.fiscal_year_start) == (
        "EUR",
        Decimal("0.05"),
        10,
    )
    result = ledger.reconcile(built.ledger)
    assert result.base_totals is not None
    assert result.base_totals.currency == "EUR"
    assert result.base_totals.converted_from == ("AUD", "USD")
    assert result.base_totals.rates == ("1 AUD = 0.70 EUR as of 2011-06-01", "1 USD = 0.69 EUR")


def test_with_rates_the_same_pledge_is_found_across_currencies() -> None:
    book = ledger.ledger_from_dict(
        {
            "sources": [*SOURCES, {"id": "S2", "publisher": "Wire"}],
            "claims": [
                claim(donor="Australia", amount="A$1bn", period="2011"),
                claim(
                    id="C2", source="S2", donor="Australia", amount="US$764m", currency="USD", period="2011"
                ),
            ],
            "rates": [{"currency": "AUD", "rate": "0.764", "base_currency": "USD"}],
        }
    )
    result = ledger.reconcile(book)
    (duplicate,) = [f for f in result.findings if f.kind is ledger.FindingKind.DUPLICATE]
    assert set(duplicate.claims) == {"C1", "C2"}
    assert result.base_totals is not None
    assert result.base_totals.distinct.nominal == Decimal("764000000.00")


def test_without_rates_two_currencies_are_flagged_not_merged() -> None:
    book = ledger.ledger_from_dict(
        {
            "sources": SOURCES,
            "claims": [
                claim(donor="Australia", amount="A$1bn", period="2011"),
                claim(id="C2", donor="Australia", amount="US$764m", currency="USD", period="2011"),
            ],
        }
    )
    result = ledger.reconcile(book)
    kinds = {f.kind for f in result.findings}
    assert ledger.FindingKind.OTHER_CURRENCY in kinds
    assert ledger.FindingKind.DUPLICATE not in kinds
    assert {t.currency for t in result.totals} == {"AUD", "USD"}
    assert result.base_totals is None


def test_per_year_rates_are_totalled_over_their_period() -> None:
    book = ledger.ledger_from_dict(
        {"sources": SOURCES, "claims": [claim(amount="$200m", period="2011-2020", qualifiers="per year")]}
    )
    (usd,) = ledger.reconcile(book).totals
    assert usd.distinct.nominal == Decimal("2000000000.00")
    assert dict(usd.by_year)["2015"] == Decimal("200000000.00")


def test_a_unit_slip_is_flagged() -> None:
    book = ledger.ledger_from_dict(
        {
            "sources": SOURCES,
            "claims": [
                claim(donor="Germany", amount="€7.2bn", period="2012"),
                claim(id="C2", donor="Germany", amount="€7.2 million", period="2012"),
            ],
        }
    )
    result = ledger.reconcile(book)
    (slip,) = result.findings_of(UnitError)
    assert slip.pledge == "P-C2"
    assert "factor of about 1,000" in slip.message


def test_a_decision_on_an_unknown_finding_is_a_warning_not_an_error() -> None:
    book = ledger.example_ledger().decide("duplicate-0000000000", "accept")
    result = ledger.reconcile(book)
    assert result.errors == ()
    assert any(
        "duplicate-0000000000" in w.message and w.severity is Severity.WARNING for w in result.warnings
    )


def test_fiscal_years_label_the_yearly_view() -> None:
    book = ledger.ledger_from_dict(
        {
            "settings": {"fiscal_year_start": "10"},
            "sources": SOURCES,
            "claims": [claim(amount="$120m", period="FY2012")],
        }
    )
    (usd,) = ledger.reconcile(book).totals
    assert dict(usd.by_year) == {"FY2012": Decimal("120000000.00")}


def test_an_amount_too_large_to_be_money_is_an_error_not_a_crash() -> None:
    built = ledger.build_ledger(
        {"sources": SOURCES, "claims": [claim(amount="300000000000000000000000000", currency="USD")]}
    )
    assert any("too large to be a pledge" in p.message for p in built.errors)
    book = ledger.Ledger(
        sources=(ledger.Source("S1"),),
        claims=(ledger.Claim("C1", "S1", "US", ledger.make_money(10**27, "USD")),),
    )
    result = ledger.reconcile(book)
    assert any("out of range" in p.message for p in result.errors)


def test_an_increase_across_currencies_uses_the_analysts_rate() -> None:
    book = ledger.ledger_from_dict(
        {
            "sources": SOURCES,
            "claims": [
                claim(id="OLD", amount="EUR 200m", period="2010", qualifiers="baseline"),
                claim(id="NEW", amount="USD 300m", period="2011", qualifiers="increase from OLD"),
            ],
            "rates": [{"currency": "EUR", "rate": "1.2", "base_currency": "USD"}],
        }
    )
    (usd,) = [t for t in ledger.reconcile(book).totals if t.currency == "USD"]
    assert usd.new_money.nominal == Decimal("60000000.00")  # 300m - 200m x 1.2


def test_an_increase_across_currencies_without_a_rate_subtracts_nothing() -> None:
    book = ledger.ledger_from_dict(
        {
            "sources": SOURCES,
            "claims": [
                claim(id="OLD", amount="EUR 260m", period="2010", qualifiers="baseline"),
                claim(id="NEW", amount="USD 300m", period="2011", qualifiers="increase from OLD"),
            ],
        }
    )
    result = ledger.reconcile(book)
    (baseline,) = [f for f in result.findings if f.kind is ledger.FindingKind.BASELINE]
    assert "cannot be compared without a rate" in baseline.message
    (usd,) = [t for t in result.totals if t.currency == "USD"]
    assert usd.new_money.nominal == Decimal("300000000.00")


def test_each_currency_total_holds_only_its_own_money() -> None:
    book = ledger.ledger_from_dict(
        {
            "sources": SOURCES,
            "claims": [
                claim(
                    id="A", donor="donors", recipient="Guatemala", amount="EUR 1bn", qualifiers="aggregate"
                ),
                claim(id="P", amount="USD 300m"),
                claim(id="D1", donor="Japan", recipient="Mongolia", amount="EUR 100m", period="2012"),
                claim(
                    id="D2",
                    donor="Japan",
                    recipient="Mongolia",
                    amount="about USD 110m",
                    currency="USD",
                    period="2012",
                ),
            ],
            "rates": [{"currency": "EUR", "rate": "1.1", "base_currency": "USD"}],
        }
    )
    result = ledger.reconcile(book)
    totals = {t.currency: t for t in result.totals}
    # the aggregate's rest beyond the US pledge stays in euros; the Japanese pledge told in two
    # currencies is one pledge, kept in its first claim's currency (euros), counted once
    assert totals["USD"].distinct.nominal == Decimal("300000000.00")
    # EUR: what the 1bn total holds beyond the US pledge (1.1bn - 300m = 800m dollars, in euros), and Japan
    assert totals["EUR"].distinct.nominal == Decimal("727272727.27") + Decimal("100000000.00")
    for t in result.totals:
        assert t.distinct.nominal <= t.naive
    assert result.base_totals is not None
    assert result.base_totals.distinct.nominal == Decimal("1210000000.00")  # 1.1bn total + Japan's 110m
