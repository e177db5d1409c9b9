"""A tenant's deadlines as an iCalendar feed (RFC 5545, written by the `icalendar` library): one all-day
event per contract expiration and per last day to give notice. An event's UID is the contract and the
kind of deadline, so a corrected date updates the event a calendar app already holds instead of adding
a second one; DTSTAMP is when the terms last changed, so the same terms give the same bytes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event

from contracts.deadlines import DEADLINE_TITLES, deadlines
from contracts.key_terms import KeyTerms

PRODID = "-//lexrisk//key terms//EN"


def event_uid(contract_id: str, kind: str) -> str:
    return f"{contract_id}-{kind}@lexrisk"


def render(tenant_name: str, contracts: Iterable[tuple[str, str, KeyTerms, datetime]]) -> bytes:
    """(contract id, name, terms, when the terms last changed) -> the feed's bytes."""
    feed = Calendar()
    feed.add("prodid", PRODID)
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("x-wr-calname", f"lexrisk deadlines: {tenant_name}")
    for contract_id, name, terms, changed in contracts:
        stamp = changed if changed.tzinfo else changed.replace(tzinfo=UTC)
        for deadline in deadlines(terms):
            event = Event()
            event.add("uid", event_uid(contract_id, deadline.kind))
            event.add("dtstamp", stamp)
            event.add("dtstart", deadline.day)
            if deadline.day < date.max:  # 9999-12-31, some systems' "no end", has no next day to end on;
                event.add("dtend", deadline.day + timedelta(days=1))  # without DTEND an all-day event is one day
            event.add("summary", f"{name}: {DEADLINE_TITLES[deadline.kind]}")
            event.add("description", f"The contract says: “{deadline.term.quote}” (page {deadline.term.page})")
            event.add("transp", "TRANSPARENT")
            event.add("categories", ["lexrisk", deadline.kind])
            feed.add_component(event)
    return feed.to_ical()
