"""Claim or not: is a money figure money pledged, committed, given, lent or raised, or something else
(a need, an appeal's target, a market, GDP, damage, a debt, a price, money received so far)?

The nearest cue word decides: a verb or noun of giving ("pledged", "promise of", "$1bn pledge") makes
a claim; a word of needing, asking, expecting, estimating, owing or receiving makes it not. Cues on
the left are looked for across the whole clause (a list of figures shares its verb: "Other pledges
included $1.3bn from ..., $1.2bn from ..."); cues on the right only a few words on, before the next
figure. A request or an expectation governing the verb of giving ("asking ministers to fund",
"expected total pledges of") makes the giving hypothetical. Lists with no verb ("US: $297m this year")
are pledges by their form. With no cue at all a figure is not drafted, and says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ledger.drafting.parties import Party
from ledger.drafting.view import SentenceView

__all__ = ["Verdict", "classify"]

_GIVING = frozenset(
    {
        *("pledge", "pledges", "pledged", "pledging", "promise", "promises", "promised", "promising"),
        *("commit", "commits", "committed", "committing", "commitment", "commitments", "give", "gives"),
        *("gave", "given", "giving", "donate", "donates", "donated", "donating", "donation", "donations"),
        *("provide", "provides", "provided", "providing", "offer", "offers", "offered", "offering"),
        *("announce", "announces", "announced", "announcing", "contribute", "contributes", "contributed"),
        *("contributing", "contribution", "contributions", "allocate", "allocates", "allocated"),
        *("allocating", "earmark", "earmarks", "earmarked", "dedicate", "dedicates", "dedicated"),
        *("dedicating", "lend", "lends", "lent", "lending", "extend", "extends", "extended", "extending"),
        *("channel", "channels", "channelled", "channeled", "invest", "invests", "invested", "investing"),
        *("spend", "spends", "approved", "approve", "respond", "raise", "raises", "raised", "raising"),
        *("collect", "collected", "total", "totals", "totalled", "totaled", "totalling", "totaling"),
        *("amounted", "amounts", "won", "get", "gets", "got", "tabled", "package", "packages", "grant"),
        *("granted", "loan", "loans", "handed", "disbursed", "increase", "increased", "increasing"),
        *("double", "doubled", "doubling", "boost", "boosted", "support", "supports", "bring", "brings"),
        *("brought", "bringing", "donors", "put", "contribute", "funnel", "funneled", "funnelled", "vowed"),
        *("unveiled", "unveils", "sent", "send", "sends", "deliver", "delivers", "make", "made"),
        *("stands", "stood", "reached", "came", "comes", "triple", "triples", "tripled", "tripling"),
    }
)
# Words of giving that count only when nothing stronger is near: "$20 billion in aid".
_WEAK_GIVING = frozenset(
    {"aid", "assistance", "funding", "funds", "help", "relief", "financing", "credit", "support"}
)

_NOT_CLAIM: Mapping[str, str] = MappingProxyType(
    {
        **dict.fromkeys(
            ("need", "needs", "needed", "needing", "required", "requires", "require", "requirement"),
            "a need, not a pledge",
        ),
        **dict.fromkeys(
            (
                "appeal",
                "appeals",
                "target",
                "goal",
                "sought",
                "seek",
                "seeks",
                "seeking",
                "request",
                "requested",
            ),
            "an appeal or a request, not a pledge",
        ),
        **dict.fromkeys(
            ("asked", "asking", "ask", "asks", "urged", "urging", "gather", "requests", "called"),
            "asked for, not pledged",
        ),
        **dict.fromkeys(
            (
                "hoped",
                "hopes",
                "hope",
                "hoping",
                "expected",
                "expecting",
                "expect",
                "expects",
                "expectation",
                "expectations",
                "anticipated",
                "forecast",
                "projected",
                "dreams",
            ),
            "an expectation, not a pledge",
        ),
        **dict.fromkeys(
            (
                "estimate",
                "estimated",
                "estimates",
                "estimating",
                "cost",
                "costs",
                "costing",
                "damage",
                "damages",
                "losses",
                "destroyed",
                "destruction",
            ),
            "a cost or damage estimate, not a pledge",
        ),
        **dict.fromkeys(
            (
                "market",
                "markets",
                "gdp",
                "economy",
                "revenue",
                "revenues",
                "exports",
                "imports",
                "income",
                "turnover",
                "sales",
                "sale",
            ),
            "a market or economic figure, not a pledge",
        ),
        **dict.fromkeys(
            ("debt", "debts", "owed", "owes", "owe", "borrowing", "arrears"), "a debt, not a pledge"
        ),
        **dict.fromkeys(
            ("criminals", "cartels", "traffickers", "smuggling", "laundered", "bribes", "ransom"),
            "money criminals make, not a pledge",
        ),
        **dict.fromkeys(
            ("received", "receives", "receiving", "delivered", "transferred", "arrived"),
            "money received so far, not a pledge",
        ),
        **dict.fromkeys(
            ("shortfall", "gap", "deficit", "short", "beyond", "exceeded", "exceeding"),
            "a target compared with, not a pledge",
        ),
        **dict.fromkeys(
            ("price", "prices", "salary", "salaries", "fee", "fees", "fare", "tariff"),
            "a price, not a pledge",
        ),
        **dict.fromkeys(("last", "left"), "money left, not a pledge"),
        **dict.fromkeys(
            ("plan", "programme", "program", "strategy", "bill"), "the cost of a plan, not a pledge"
        ),
    }
)
# Cues that make the giving after them hypothetical: "asking the ministers to fund", "expected total pledges".
_GOVERNING = frozenset(
    {
        *("asked", "asking", "ask", "asks", "urged", "urging", "expected", "expecting", "expect", "expects"),
        *("hoped", "hopes", "hope", "hoping", "called", "received", "receiving"),
    }
)
_APPROXIMATION_WORDS = frozenset(
    {"up", "to", "over", "about", "around", "nearly", "almost", "some", "more", "than"}
)
_RIGHT_WINDOW = 4
# Words that do not count in the distance to a cue: "$200 million the bank already has provided".
_FILLERS = frozenset(
    {"the", "a", "an", "already", "also", "only", "just", "has", "have", "had", "been", "it", "they"}
)
_LEFT_NOUN_REACH = 12  # a noun of giving further left than this does not govern the figure


@dataclass(frozen=True, slots=True)
class Verdict:
    claim: bool
    reason: str
    words: str = ""
    first: int = -1  # the deciding words' tokens, when they are in the sentence
    last: int = -1
    weak: bool = False  # decided by a weak cue or by form alone: less sure


def classify(view: SentenceView, number: int, parties: tuple[Party, ...]) -> Verdict:
    """Claim or not for the sentence's figure `number`, with the reason in a few words."""
    placed = view.figures[number]
    if placed.found.kind != "money":
        return Verdict(False, placed.found.reason or "not a money figure")
    start, end = view.clause_bounds(placed.first)
    left = _left_cue(view, placed.first, start)
    right = _right_cue(view, number, end)
    chosen = _nearest(left, right)
    if chosen is not None:
        _, index, side = chosen
        word = view.tokens[index].bare
        if word in _NOT_CLAIM:
            return Verdict(False, _NOT_CLAIM[word], view.tokens[index].text, index, index)
        governing = _governed(view, index, start) if side == "left" else None
        if governing is not None:
            return Verdict(
                False, _NOT_CLAIM[view.tokens[governing].bare], view.words(governing, index), governing, index
            )
        return Verdict(True, _giving_reason(view, index), view.tokens[index].text, index, index)
    listed = _listed(view, number, parties)
    if listed is not None:
        return listed
    weak = _weak_cue(view, placed.first, placed.last, start, end)
    if weak is not None and any(p.first >= start and p.last <= end for p in parties):
        return Verdict(
            True,
            f'"{view.tokens[weak].text}" near a donor named',
            view.tokens[weak].text,
            weak,
            weak,
            weak=True,
        )
    return Verdict(False, "no word of giving near the figure")


def _left_cue(view: SentenceView, first: int, start: int) -> tuple[int, int] | None:
    distance = 0
    for index in range(first - 1, start - 1, -1):
        if view.figure_at(index) is not None:
            continue  # figures in a list share the verb before them
        distance += 1
        word = view.tokens[index].bare
        if word in _GIVING or word in _NOT_CLAIM:
            if word in _GIVING and not _verb_like(view, index) and distance > _LEFT_NOUN_REACH:
                continue
            if word in ("left", "last", "short", "beyond") and not _phrase_cue(view, index):
                continue
            return distance, index
    return None


def _right_cue(view: SentenceView, number: int, end: int) -> tuple[int, int] | None:
    placed = view.figures[number]
    # a bracketed conversion belongs to the figure: look past it
    last = placed.last
    for later in view.figures[number + 1 :]:
        if later.converts is not None and later.first <= last + 3:
            last = later.last
            if last + 1 <= end and view.tokens[last + 1].text == ")":
                last += 1
        else:
            break
    distance = 0
    for index in range(last + 1, end + 1):
        if view.figure_at(index) is not None:
            return None
        if view.tokens[index].bare not in _FILLERS:
            distance += 1
        if distance > _RIGHT_WINDOW:
            return None
        word = view.tokens[index].bare
        if word in ("worth",) and index + 2 <= end and view.tokens[index + 2].bare in ("damage", "damages"):
            return distance, index + 2
        if word in _GIVING or word in _NOT_CLAIM:
            if word in (
                "left",
                "last",
                "remaining",
                "short",
                "beyond",
                "get",
                "make",
                "made",
                "put",
                "support",
            ):
                continue
            return distance, index
    return None


def _nearest(left: tuple[int, int] | None, right: tuple[int, int] | None) -> tuple[int, int, str] | None:
    if left is None and right is None:
        return None
    if left is None:
        assert right is not None
        return right[0], right[1], "right"
    if right is None or left[0] < right[0]:
        return left[0], left[1], "left"
    return right[0], right[1], "right"


def _verb_like(view: SentenceView, index: int) -> bool:
    return view.tokens[index].bare.endswith(("ed", "ing", "s")) or view.tokens[index].bare in (
        "gave",
        "lent",
        "won",
    )


def _phrase_cue(view: SentenceView, index: int) -> bool:
    """ "last" counts as "down to his last", "short" as "falls short of", "beyond" as "far beyond"."""
    word = view.tokens[index].bare
    before = view.tokens[index - 1].bare if index > 0 else ""
    after = view.tokens[index + 1].bare if index + 1 < len(view.tokens) else ""
    if word == "short":
        return after == "of"
    if word == "last":
        return before in ("his", "her", "its", "their", "our")
    if word == "left":
        return True
    return before == "far" or word == "beyond"


def _governed(view: SentenceView, cue: int, start: int) -> int | None:
    """A request, expectation or receipt earlier in the clause that the giving depends on."""
    word = view.tokens[cue].bare
    if word not in _GIVING:
        return None
    for index in range(cue - 1, max(start, cue - 12) - 1, -1):
        bare = view.tokens[index].bare
        if bare in _GOVERNING:
            return index
        if bare in ("not",) and index + 2 >= cue:
            return None
    return None


def _giving_reason(view: SentenceView, index: int) -> str:
    word = view.tokens[index].text
    return f'"{word}": money given or pledged'


def _listed(view: SentenceView, number: int, parties: tuple[Party, ...]) -> Verdict | None:
    """ "Japan: $5 billion", "Kuwait ($250 million)": a list of pledges by donor."""
    placed = view.figures[number]
    first = placed.first
    while first > 0 and view.tokens[first - 1].bare in _APPROXIMATION_WORDS:
        first -= 1  # "Canada: over $150 million", "Japan: Up to $500m"
    before = [t.text for t in view.tokens[max(0, first - 2) : first]]
    party_before = next((p for p in parties if p.last in (first - 1, first - 2)), None)
    if party_before is None:
        return None
    if before[-1:] == [":"] and party_before.last == first - 2:
        return Verdict(
            True,
            f"a list of pledges ({party_before.words}: amount)",
            view.words(party_before.first, placed.first - 1),
            party_before.first,
            placed.first - 1,
            weak=True,
        )
    if before[-1:] == ["("] and party_before.last == first - 2:
        return Verdict(
            True,
            f"a pledge listed by its donor ({party_before.words} (amount))",
            view.words(party_before.first, placed.first - 1),
            party_before.first,
            placed.first - 1,
            weak=True,
        )
    return None


def _weak_cue(view: SentenceView, first: int, last: int, start: int, end: int) -> int | None:
    for index in range(last + 1, min(end, last + _RIGHT_WINDOW) + 1):
        if view.tokens[index].bare in _WEAK_GIVING:
            return index
    for index in range(first - 1, max(start, first - 6) - 1, -1):
        if view.tokens[index].bare in _WEAK_GIVING:
            return index
    return None
