from __future__ import annotations

from contracts.grounding import locate

TEXT = (
    "12.1 Limitation. IN NO EVENT SHALL EITHER PARTY’S LIABILITY EXCEED THE FEES PAID.\n"
    "The Supplier’s “Confidential Information” shall be protected by the Cus-\ntomer for five years.\n"
    "Either party may terminate this Agreement on notice. Either party may terminate this Agreement on notice."
)


def test_exact_quote():
    found = locate("IN NO EVENT SHALL EITHER PARTY’S LIABILITY", TEXT)
    assert found is not None and found.method == "exact"
    assert TEXT[found.start:found.end] == "IN NO EVENT SHALL EITHER PARTY’S LIABILITY"


def test_straight_quotes_whitespace_and_hyphenation():
    quote = 'The Supplier\'s "Confidential Information" shall be protected by the Customer   for five years.'
    found = locate(quote, TEXT)
    assert found is not None and found.method == "normalized"
    assert TEXT[found.start:found.end] == (
        "The Supplier’s “Confidential Information” shall be protected by the Cus-\ntomer for five years.")


def test_repeated_quote_is_placed_near_the_hint():
    quote = "Either party may terminate this Agreement on notice."
    first = TEXT.index(quote)
    second = TEXT.index(quote, first + 1)
    assert locate(quote, TEXT).start == first
    assert locate(quote, TEXT, near=second - 3).start == second


def test_fuzzy_match_tolerates_a_slip():
    found = locate("in no event shall either partys liability exceed the fee paid", TEXT)
    assert found is not None and found.method == "fuzzy"
    assert "LIABILITY EXCEED THE FEES PAID" in TEXT[found.start:found.end]


def test_invented_quote_is_not_located():
    assert locate("The Customer shall indemnify the Supplier against all third-party claims.", TEXT) is None
    assert locate("", TEXT) is None
    assert locate("five yrs", TEXT) is None  # short quotes are never matched fuzzily
