"""A contract's own exports through the API: the Word review copy (every finding a comment anchored at its
quote, with the review), CSV/XLSX of the findings, the HTML report; tenant scoping and the 404s."""

from __future__ import annotations

import csv
import html
import io
import re

import docx
import openpyxl
import pytest

from tests.serving.conftest import PLUGINS, Api, make_settings, open_api

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REVIEW_FIELDS = ("category", "severity", "start", "end", "quote", "explanation", "review", "review_comment")


@pytest.fixture
def reviewed(api: Api) -> tuple[str, list[dict]]:
    """The sample contract analyzed, one finding accepted with a comment, one rejected, one edited."""
    accepted = api.upload().json()
    assert api.wait(accepted["job_id"])["status"] == "done"
    url = f"/v1/contracts/{accepted['contract_id']}/findings"
    findings = api.client.get(url, headers=api.h()).json()["data"]
    assert len(findings) >= 4
    for finding, body in zip(findings, ({"action": "accept", "comment": "standard for us"}, {"action": "reject"},
                                        {"action": "edit", "severity": "high", "comment": "uncapped"}), strict=False):
        assert api.client.patch(f"/v1/findings/{finding['id']}", headers=api.h(), json=body).status_code == 200
    return accepted["contract_id"], api.client.get(url, headers=api.h()).json()["data"]


def _get(api: Api, contract_id: str, export: str, tenant: str = "acme"):
    return api.client.get(f"/v1/contracts/{contract_id}/exports/{export}", headers=api.h(tenant))


def _error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert set(response.json()) == {"error"} and response.json()["error"]["code"] == code


def _state(finding: dict) -> str:
    review = finding["review"]
    return "not reviewed" if review is None else review["status"]


def anchors(document) -> dict[str, str]:
    """Comment id -> the text between its commentRangeStart and commentRangeEnd, paragraphs joined by newlines."""
    open_ranges: dict[str, list[str]] = {}
    done: dict[str, str] = {}
    first = True
    for element in document.element.body.iter():
        if element.tag == f"{W}p":
            if not first:
                for parts in open_ranges.values():
                    parts.append("\n")
            first = False
        elif element.tag == f"{W}commentRangeStart":
            open_ranges[element.get(f"{W}id")] = []
        elif element.tag == f"{W}commentRangeEnd":
            done[element.get(f"{W}id")] = "".join(open_ranges.pop(element.get(f"{W}id")))
        elif element.tag == f"{W}t":
            for parts in open_ranges.values():
                parts.append(element.text or "")
    return done


def _same_clause(anchored: str, quote: str) -> bool:
    """The review copy of a TXT upload is laid out as a contract: wrapped lines join into one paragraph
    and a typed clause number ("2.2") becomes the list's automatic number, which is not text."""
    a, q = " ".join(anchored.split()), " ".join(quote.split())
    return bool(a) and q.endswith(a) and re.fullmatch(r"(\(?[0-9a-z]{1,3}(\.[0-9]{1,3})*[.)]? )?", q[:len(q) - len(a)]) is not None


def test_review_docx_anchors_every_finding_on_its_quote_with_its_review(api: Api, reviewed) -> None:
    contract_id, findings = reviewed
    response = _get(api, contract_id, "review.docx")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.wordprocess")
    assert "master_services_agreement.review.docx" in response.headers["content-disposition"]
    document = docx.Document(io.BytesIO(response.content))
    spans = anchors(document)
    got = sorted((spans[str(c.comment_id)], c.text) for c in document.comments)
    proofing = [(quote, text) for quote, text in got if text.startswith("PROOFING · ")]
    got = [pair for pair in got if pair not in proofing]  # the proofing comments: tests/contracts/test_proofing_surfaces.py
    assert len(got) == len(findings)
    for finding in findings:
        match = [text for quote, text in got if _same_clause(quote, finding["quote"])
                 and text.startswith(f"{finding['severity'].upper()} · {finding['category']}\n")]
        assert match, f"no comment anchored at the quote of {finding['category']}"
        assert finding["explanation"] in match[0] and f"Review: {_state(finding)}" in "".join(match)
    texts = "\n".join(c.text for c in document.comments)
    assert "Review: accepted: standard for us" in texts and "Review: rejected" in texts
    edited = next(f for f in findings if _state(f) == "edited")
    assert (f"Review: edited (was {edited['review']['original_severity'].upper()} · "
            f"{edited['review']['original_category']}): uncapped") in texts


def test_csv_and_xlsx_rows_are_the_findings(api: Api, reviewed) -> None:
    contract_id, findings = reviewed
    expected = [{k: (_state(f) if k == "review" and f["review"] else (f["review"] or {}).get("comment")
                     if k == "review_comment" else f[k]) for k in REVIEW_FIELDS} for f in findings]
    for row, finding in zip(expected, findings, strict=True):  # a risk nobody reviewed says so (its cell was empty)
        row["review"] = _state(finding) if finding["review"] else "not reviewed"
    assert any(row["review"] == "not reviewed" for row in expected)

    response = _get(api, contract_id, "findings.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    as_text = [{k: "" if v is None else str(v) for k, v in row.items()} for row in expected]
    assert [{k: r[k] for k in REVIEW_FIELDS} for r in rows] == as_text
    assert [r["id"] for r in rows] == [f["id"] for f in findings]

    response = _get(api, contract_id, "findings.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["findings"]
    header, *values = list(sheet.iter_rows(values_only=True))
    cells = [dict(zip(header, v, strict=True)) for v in values]
    assert [{k: c[k] for k in REVIEW_FIELDS} for c in cells] == expected


def test_html_report_holds_every_quote_at_its_anchor_and_the_reviews(api: Api, reviewed) -> None:
    contract_id, findings = reviewed
    response = _get(api, contract_id, "report.html")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<th>Your review</th>" in page and "accepted: standard for us" in page and ">rejected<" in page
    text = page.split('<div id="text">', 1)[1].split("</div>", 1)[0]
    plain = html.unescape(re.sub(r"<[^>]+>", "", text))
    by_start = sorted(findings, key=lambda f: f["start"])
    for i, finding in enumerate(by_start):
        after = text.split(f'<a id="f{i}"></a>', 1)[1]
        assert html.unescape(re.sub(r"<[^>]+>", "", after)).startswith(finding["quote"])
        assert plain[finding["start"]:finding["end"]] == finding["quote"]


def test_formulas_in_a_contract_stay_text(api: Api) -> None:
    data = b"Preamble.\n\n=HYPERLINK(\"http://evil\") This agreement is governed by the laws of Delaware.\n"
    accepted = api.upload(data=data, name="evil.txt").json()
    api.wait(accepted["job_id"])
    rows = list(csv.DictReader(io.StringIO(_get(api, accepted["contract_id"], "findings.csv").content
                                           .decode("utf-8-sig"))))
    assert rows and all(r["quote"].startswith("'=HYPERLINK") for r in rows)
    sheet = openpyxl.load_workbook(io.BytesIO(_get(api, accepted["contract_id"], "findings.xlsx").content))["findings"]
    quotes = [row[6] for row in sheet.iter_rows(min_row=2)]
    assert quotes and all(c.data_type == "s" and c.value.startswith("=HYPERLINK") for c in quotes)


def test_another_tenant_and_an_unanalyzed_contract_get_404(api: Api, reviewed) -> None:
    contract_id, _ = reviewed
    for export in ("review.docx", "findings.csv", "findings.xlsx", "report.html"):
        _error(_get(api, contract_id, export, tenant="globex"), 404, "not_found")
    failed = api.upload(data=b"Another agreement, governed by the laws of Ohio.", name="other.txt",
                        analyzer="broken").json()
    assert api.wait(failed["job_id"])["status"] == "failed"
    for export in ("review.docx", "findings.csv", "findings.xlsx", "report.html"):
        _error(_get(api, failed["contract_id"], export), 404, "not_analyzed")
    _error(_get(api, contract_id, "findings.pdf"), 422, "invalid_request")
    _error(_get(api, "0" * 32, "report.html"), 404, "not_found")


def test_a_review_copy_past_the_file_budget_is_a_422_not_a_held_request(tmp_path, monkeypatch) -> None:
    """The Word review copy is built at download time, in a file worker under the file budget. A review copy that
    never ends stands in for a slow one (a long contract's thousands of comments once took 20 s and more; now about
    2 s, so no real input is slow on every machine): an analysis stored under a wide budget, downloaded from a
    service whose budget is 1 s, is a 422 naming LEXRISK_FILE_BUDGET_S; the findings' table stays readable."""
    import word.files

    def endless(*_args: object, **_kwargs: object) -> bytes:
        while True:
            pass

    monkeypatch.setattr(word.files, "review_docx", endless)  # the forked worker inherits it
    text = "\n\n".join(f"Clause {i}: the Supplier shall not assign, may audit and exclusively buys not less than "
                       f"goods number {i}, governed by the laws of Ohio." for i in range(300))
    wide = make_settings(tmp_path, analyzer_plugins=PLUGINS | {"baseline": "tests.serving.fakes:stuck"},
                         file_budget_s=120.0)
    for api in open_api(wide):
        accepted = api.upload(data=text.encode(), name="long.txt").json()
        assert api.wait(accepted["job_id"], timeout=60)["status"] == "done"
    for api in open_api(wide.model_copy(update={"file_budget_s": 1.0})):  # the same database, keys and tenant
        response = _get(api, accepted["contract_id"], "review.docx")
        _error(response, 422, "analysis_timeout")
        assert response.json()["error"]["message"] == ("building the review copy took longer than 1 s, the budget "
                                                       "of one file; it was stopped (LEXRISK_FILE_BUDGET_S)")
        table = _get(api, accepted["contract_id"], "findings.csv")
        assert table.status_code == 200 and "goods number 299" in table.content.decode("utf-8-sig")
