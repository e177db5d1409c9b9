"""The tenant's calendar feed (/v1/calendar.ics), read back with an iCalendar parser, and the feed
tokens calendar apps subscribe with: created, listed and revoked per tenant, stored hashed."""

from __future__ import annotations

from datetime import date

from icalendar import Calendar
from sqlmodel import Session, select

from serving.api.deps import app_engine
from serving.models import FeedToken
from tests.serving.test_terms_api import Api, analyzed, contract_text, tapi  # noqa: F401 - the fixture


def events(body: bytes) -> dict[str, dict[str, object]]:
    feed = Calendar.from_ical(body)
    return {str(e["UID"]): {"start": e.decoded("DTSTART"), "end": e.decoded("DTEND") if "DTEND" in e else None,
                            "summary": str(e["SUMMARY"]),
                            "stamp": e.decoded("DTSTAMP")} for e in feed.walk("VEVENT")}


def test_feed_has_an_event_per_expiration_and_notice_deadline(tapi: Api) -> None:  # noqa: F811
    a = analyzed(tapi, contract_text("2027-06-30"), "supply.txt")
    b = analyzed(tapi, contract_text("perpetual", customer="Acme Widgets LLC"), "licence.txt")
    c = analyzed(tapi, contract_text("2029"), "lease.txt")  # no day: nothing to put in a calendar
    r = tapi.client.get("/v1/calendar.ics", headers=tapi.h())
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    body = r.content
    # RFC 5545: CRLF line ends, lines folded at 75 octets, VERSION and PRODID, UID and DTSTAMP on each event
    lines = body.split(b"\r\n")
    assert lines[0] == b"BEGIN:VCALENDAR" and b"VERSION:2.0" in lines and any(x.startswith(b"PRODID:") for x in lines)
    assert b"\n" not in body.replace(b"\r\n", b"") and max(len(x) for x in lines) <= 75
    found = events(body)
    assert found.keys() == {f"{a}-expiration@lexrisk", f"{a}-notice_deadline@lexrisk"}
    assert found[f"{a}-expiration@lexrisk"]["start"] == date(2027, 6, 30)
    assert found[f"{a}-expiration@lexrisk"]["end"] == date(2027, 7, 1)  # an all-day event
    assert found[f"{a}-notice_deadline@lexrisk"]["start"] == date(2027, 1, 1)
    assert found[f"{a}-notice_deadline@lexrisk"]["summary"] == "supply.txt: last day to give notice"
    assert not any(b in uid or c in uid for uid in found)  # perpetual, and a year without a day: no event
    # stable: the same terms give the same bytes; a corrected date keeps its event's UID
    assert tapi.client.get("/v1/calendar.ics", headers=tapi.h()).content == body
    text = tapi.client.get(f"/v1/contracts/{a}/text", headers=tapi.h()).json()["text"]
    start = text.index("Expires: ") + 9
    tapi.client.patch(f"/v1/contracts/{a}/terms", headers=tapi.h(),
                      json={"field": "expiration_date", "value": "2027-09-30", "start": start, "end": start + 10})
    moved = events(tapi.client.get("/v1/calendar.ics", headers=tapi.h()).content)
    assert moved.keys() == found.keys()
    assert moved[f"{a}-expiration@lexrisk"]["start"] == date(2027, 9, 30)
    assert moved[f"{a}-notice_deadline@lexrisk"]["start"] == date(2027, 4, 3)


def test_the_last_day_there_is_still_makes_an_event(tapi: Api) -> None:  # noqa: F811
    """A lawyer's expiration of 9999-12-31 (a system's "no end") had no next day for DTEND: the whole feed
    answered 500. RFC 5545 reads an all-day DTSTART without DTEND as one day."""
    a = analyzed(tapi, contract_text("2027-06-30"))
    text = tapi.client.get(f"/v1/contracts/{a}/text", headers=tapi.h()).json()["text"]
    start = text.index("Expires: ") + 9
    tapi.client.patch(f"/v1/contracts/{a}/terms", headers=tapi.h(),
                      json={"field": "expiration_date", "value": "9999-12-31", "start": start, "end": start + 10})
    r = tapi.client.get("/v1/calendar.ics", headers=tapi.h())
    assert r.status_code == 200
    assert events(r.content)[f"{a}-expiration@lexrisk"] | {"stamp": None} == {
        "start": date(9999, 12, 31), "end": None, "summary": "msa.txt: expires", "stamp": None}


def test_feed_tokens_open_the_feed_until_revoked(tapi: Api) -> None:  # noqa: F811
    analyzed(tapi, contract_text("2027-06-30"))
    created = tapi.client.post("/v1/calendar/tokens", headers=tapi.h(), json={"name": "Outlook"})
    assert created.status_code == 201
    token = created.json()["token"]
    assert created.json()["url"] == f"/v1/calendar.ics?token={token}"
    with_key = tapi.client.get("/v1/calendar.ics", headers=tapi.h()).content
    subscribed = tapi.client.get(created.json()["url"])  # no header: a calendar app
    assert subscribed.status_code == 200 and subscribed.content == with_key and b"BEGIN:VEVENT" in with_key
    head = tapi.client.head(created.json()["url"])  # a calendar app asking whether the feed changed (was 405)
    assert head.status_code == 200 and head.headers["content-type"].startswith("text/calendar") and not head.content
    listed = tapi.client.get("/v1/calendar/tokens", headers=tapi.h()).json()["data"]
    assert [(t["id"], t["name"], t["state"], t["prefix"]) for t in listed] == [
        (created.json()["id"], "Outlook", "active", token[:8])]
    assert token not in str(listed)
    with Session(tapi.resolve(app_engine)) as session:  # stored hashed, never the token
        rows = session.exec(select(FeedToken)).all()
    assert len(rows) == 1 and rows[0].token_hash != token and token not in rows[0].model_dump_json()
    # the token opens the feed and nothing else; another tenant cannot see or revoke it
    assert tapi.client.get(f"/v1/portfolio?token={token}").status_code == 401
    assert tapi.client.get("/v1/calendar/tokens", headers=tapi.h("globex")).json()["data"] == []
    token_id = created.json()["id"]
    assert tapi.client.delete(f"/v1/calendar/tokens/{token_id}", headers=tapi.h("globex")).status_code == 404
    assert tapi.client.get(created.json()["url"]).status_code == 200
    revoked = tapi.client.delete(f"/v1/calendar/tokens/{token_id}", headers=tapi.h())
    assert revoked.status_code == 204 and not revoked.content
    refused = tapi.client.get(created.json()["url"])  # at once
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"
    assert tapi.client.get("/v1/calendar.ics?token=lxf_guess").status_code == 401
    listed = tapi.client.get("/v1/calendar/tokens", headers=tapi.h()).json()
    assert [(t["id"], t["state"]) for t in listed["data"]] == [(token_id, "revoked")] and listed["count"] == 1


def test_feed_tokens_behave_as_the_other_resources(tapi: Api) -> None:  # noqa: F811
    """Every field of a new token is optional, so no body at all is `{}` (it was a 422 "request: Field
    required"); the 201 carries `Location`, which GET answers; the list has `count`; DELETE is a 204, and
    a second one, as for a deleted contract or template, a 404 with the error body (it was 200 twice)."""
    created = tapi.client.post("/v1/calendar/tokens", headers=tapi.h())  # no body, no Content-Type
    assert created.status_code == 201, created.text
    token = created.json()
    assert token["name"] is None and token["state"] == "active" and token["token"].startswith("lxf_")
    assert created.headers["location"] == f"/v1/calendar/tokens/{token['id']}"
    one = tapi.client.get(created.headers["location"], headers=tapi.h())
    assert one.status_code == 200 and one.json() == {k: v for k, v in token.items() if k not in ("token", "url")}
    assert tapi.client.get(created.headers["location"], headers=tapi.h("globex")).status_code == 404
    named = tapi.client.post("/v1/calendar/tokens", headers=tapi.h(), json={}).json()
    listed = tapi.client.get("/v1/calendar/tokens", headers=tapi.h()).json()
    assert [t["id"] for t in listed["data"]] == [token["id"], named["id"]] and listed["count"] == 2
    assert tapi.client.get("/v1/calendar/tokens", headers=tapi.h("globex")).json() == {"data": [], "count": 0}
    url = f"/v1/calendar/tokens/{token['id']}"
    other = tapi.client.delete(url, headers=tapi.h("globex"))  # another tenant's: not there, and not revoked
    assert other.status_code == 404 and other.json()["error"]["code"] == "not_found"
    assert tapi.client.get(token["url"]).status_code == 200
    first = tapi.client.delete(url, headers=tapi.h())
    assert first.status_code == 204 and not first.content
    again = tapi.client.delete(url, headers=tapi.h())
    assert again.status_code == 404 and again.json()["error"]["code"] == "not_found"
    assert tapi.client.get(url, headers=tapi.h()).json()["state"] == "revoked"  # kept for the record
    assert tapi.client.get(token["url"]).status_code == 401
    assert tapi.client.get(named["url"]).status_code == 200  # the other token is untouched
    unknown = tapi.client.delete(f"/v1/calendar/tokens/{'0' * 32}", headers=tapi.h())
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"


def test_feed_token_bad_input(tapi: Api) -> None:  # noqa: F811
    assert tapi.client.post("/v1/calendar/tokens", headers=tapi.h(), json={"name": "x" * 201}).status_code == 422
    assert tapi.client.post("/v1/calendar/tokens", headers=tapi.h(), json={"nme": "x"}).status_code == 422
    assert tapi.client.delete("/v1/calendar/tokens/not-an-id", headers=tapi.h()).status_code == 422
    assert tapi.client.get("/v1/calendar.ics").status_code == 401


def test_feed_is_revalidated_with_its_etag(tapi: Api) -> None:  # noqa: F811
    """A calendar app polls its feed every few minutes and downloaded all of it each time: the feed had no
    validator. It now has a strong ETag, and If-None-Match is answered 304 (RFC 9110 13.1.2, 15.4.5) on GET
    and HEAD, with the key or a feed token, until a contract's dates change."""
    a = analyzed(tapi, contract_text("2027-06-30"))
    first = tapi.client.get("/v1/calendar.ics", headers=tapi.h())
    etag = first.headers["etag"]
    assert first.status_code == 200 and etag.startswith('"') and etag.endswith('"') and len(etag) > 2  # strong
    assert "private" in first.headers["cache-control"] and b"BEGIN:VEVENT" in first.content
    assert tapi.client.get("/v1/calendar.ics", headers=tapi.h()).headers["etag"] == etag  # same bytes, same tag

    def polled(if_none_match: str, method: str = "GET", url: str = "/v1/calendar.ics", **headers: str):
        return tapi.client.request(method, url, headers={**headers, "If-None-Match": if_none_match})

    # a match is a 304 without a body, carrying the ETag and Cache-Control a 200 would (RFC 9110 15.4.5)
    for match in (etag, f"W/{etag}", f'"other", {etag}', f'W/"x,y", {etag}', "*"):  # weak comparison; "*": any
        for method in ("GET", "HEAD"):
            r = polled(match, method, **tapi.h())
            assert r.status_code == 304 and not r.content, (match, method)
            assert r.headers["etag"] == etag and r.headers["cache-control"] == first.headers["cache-control"]
    head = tapi.client.head("/v1/calendar.ics", headers=tapi.h())  # HEAD: GET's headers, no body
    assert head.status_code == 200 and not head.content and head.headers["etag"] == etag
    assert int(head.headers["content-length"]) == len(first.content)
    for miss in ('"other"', etag.strip('"'), f"{etag}x", ""):  # another tag, an unquoted one, a malformed one
        r = polled(miss, **tapi.h())
        assert r.status_code == 200 and r.content == first.content and r.headers["etag"] == etag, miss
    # a calendar app with a feed token gets the same; a revoked token is refused before any 304
    token = tapi.client.post("/v1/calendar/tokens", headers=tapi.h(), json={"name": "Outlook"}).json()
    assert polled(etag, url=token["url"]).status_code == 304
    tapi.client.delete(f"/v1/calendar/tokens/{token['id']}", headers=tapi.h())
    assert polled(etag, url=token["url"]).status_code == 401
    # a corrected date is a new feed: a new ETag, and the old one no longer matches
    text = tapi.client.get(f"/v1/contracts/{a}/text", headers=tapi.h()).json()["text"]
    start = text.index("Expires: ") + 9
    tapi.client.patch(f"/v1/contracts/{a}/terms", headers=tapi.h(),
                      json={"field": "expiration_date", "value": "2027-09-30", "start": start, "end": start + 10})
    changed = polled(etag, **tapi.h())
    assert changed.status_code == 200 and changed.headers["etag"] not in (etag, "")
    assert events(changed.content)[f"{a}-expiration@lexrisk"]["start"] == date(2027, 9, 30)
    assert polled(changed.headers["etag"], **tapi.h()).status_code == 304
