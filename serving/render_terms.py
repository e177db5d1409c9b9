"""The key terms as a lawyer reads them first: one line per term (value, how it was derived, page), for
the terminal table and the HTML report that open with them."""

from __future__ import annotations

import html

from contracts.key_terms import TERM_LABELS, TO_CHECK, KeyTerms
from contracts.terms.durations import period_words


def term_rows(terms: KeyTerms) -> list[tuple[str, str, int | None, int | None]]:
    """(label, value as shown, page, offset of the quote) for each term, in reading order; a term the
    contract does not state reads "not stated", one whose words could not be read shows those words, and an end
    counted from an event the contract does not date ("ten years from the First Commercial Sale") says so."""
    rows: list[tuple[str, str, int | None, int | None]] = []
    for field, label in TERM_LABELS.items():
        value = getattr(terms, field)
        if field == "parties":
            shown = "; ".join(p.name + (f' ("{p.short_name}")' if p.short_name else "") + (f" ({TO_CHECK})" if p.unsure else "")
                              for p in value)
            rows.append((label, shown or "not stated", value[0].page if value else None,
                         value[0].start if value else None))
            continue
        if value is None:
            rows.append((label, "not stated", None, None))
            continue
        rule = getattr(value, "rule", None)
        if value.value is None and rule:  # "10 years after the first commercial sale": counted from an undated event
            shown, rule = f"no date: {rule}", None
        else:
            shown = value.value if value.value is not None else f"unreadable: {' '.join(value.quote.split())[:80]}"
            if field in ("renewal_term", "notice_period_to_terminate_renewal") and value.value is not None:
                shown = period_words(value.value)  # "90 days", not "P90D"
        extra = [rule, getattr(value, "country", None)]
        if field == "renewal_term" and value.automatic is not None:
            extra.append("automatic" if value.automatic else "on election")
        deadline = getattr(value, "deadline", None)
        if deadline:
            extra.append(f"deadline {deadline}")
        shown += "".join(f" ({e})" for e in extra if e)
        rows.append((label, shown, value.page, value.start))
    return rows


def terms_html(terms: KeyTerms | None) -> str:
    """A table of the key terms; each value links to its quote in the text (anchor `t<offset>`)."""
    if terms is None:
        return ""
    body = "\n".join(
        f"<tr><th>{html.escape(label)}</th><td>"
        + (f'<a href="#t{start}">{html.escape(shown)}</a>' if start is not None else html.escape(shown))
        + f"</td><td>{page or ''}</td></tr>"
        for label, shown, page, start in term_rows(terms))
    return f'<table class="terms"><caption>Key terms</caption><tbody>\n{body}\n</tbody></table>'


def anchors(terms: KeyTerms | None) -> set[int]:
    """The offsets the key-terms table links to."""
    if terms is None:
        return set()
    return {start for _, _, _, start in term_rows(terms) if start is not None}
