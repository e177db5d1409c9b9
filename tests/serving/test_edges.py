"""Bad input at the edge gets the client's 4xx with the one error body, never a 500: damaged files,
malformed ids, out-of-range paging, missing filenames, NUL bytes. Run on SQLite and on PostgreSQL,
whose driver refuses NUL bytes and numbers past bigint that SQLite stores."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.serving.conftest import PG_URL, SAMPLES, Api, make_settings, open_api


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


def malformed_docx() -> bytes:
    """A well-formed package whose main part is truncated XML (lxml raises XMLSyntaxError)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                   '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                                        '2006/main"><w:body><w:p>unclosed')
    return buf.getvalue()


@pytest.fixture(params=["sqlite", "postgresql"])
def edge_api(request, tmp_path):
    if request.param == "sqlite":
        yield from open_api(make_settings(tmp_path))
    else:
        schema = request.getfixturevalue("pg_schema")
        yield from open_api(make_settings(tmp_path, database_url=PG_URL), schema)


def test_malformed_docx_xml_is_422_corrupt_file(edge_api: Api) -> None:
    error = _error(edge_api.upload(data=malformed_docx(), name="broken.docx"), 422, "corrupt_file")
    assert "broken.docx" in error["message"]
    assert edge_api.client.get("/v1/contracts", headers=edge_api.h()).json()["count"] == 0


def test_malformed_ids_and_bounds_are_422(edge_api: Api) -> None:
    h = edge_api.h()
    for url in ("/v1/jobs/abc%00def", "/v1/contracts/abc%00def", "/v1/contracts/x/findings",
                f"/v1/jobs/{'a' * 5000}"):
        error = _error(edge_api.client.get(url, headers=h), 422, "invalid_request")
        assert "_id" in error["message"]
    _error(edge_api.client.patch("/v1/findings/%00", json={"action": "accept"}, headers=h), 422, "invalid_request")
    _error(edge_api.client.get("/v1/contracts", params={"offset": 9223372036854775808}, headers=h),
           422, "invalid_request")
    _error(edge_api.client.get("/v1/contracts", params={"offset": -1}, headers=h), 422, "invalid_request")
    error = _error(edge_api.client.get("/v1/contracts", params={"limit": 1000}, headers=h), 422, "invalid_request")
    assert "at most 100" in error["message"]
    assert edge_api.client.get("/v1/contracts", params={"limit": 100}, headers=h).status_code == 200
    _error(edge_api.upload(template_id="nope\x00"), 422, "invalid_request")
    # a well-formed id nobody has is simply not found
    _error(edge_api.client.get(f"/v1/jobs/{'0' * 32}", headers=h), 404, "not_found")


def test_nul_bytes_in_text_are_refused(edge_api: Api) -> None:
    h = edge_api.h()
    accepted = edge_api.upload(data=b"The Customer shall purchase exclusively from Provider.", name="a\x00b.txt")
    assert accepted.status_code == 202, accepted.text
    job = edge_api.wait(accepted.json()["job_id"])
    findings = edge_api.client.get(f"/v1/contracts/{job['contract_id']}/findings", headers=h).json()["data"]
    _error(edge_api.client.patch(f"/v1/findings/{findings[0]['id']}", json={"action": "accept", "comment": "a\x00"},
                                 headers=h), 422, "invalid_request")
    _error(edge_api.client.post("/v1/templates", headers=h, data={"name": "x\x00"},
                                files={"file": ("t.txt", b"Governing law: New York.")}), 422, "invalid_request")


def test_upload_without_a_filename_is_missing_filename(edge_api: Api) -> None:
    # httpx sends a part with an empty filename as a plain field: the API must still say what is missing
    _error(edge_api.client.post("/v1/contracts", headers=edge_api.h(), files={"file": ("", b"Text.")}),
           400, "missing_filename")
    boundary = "b0undary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename=""\r\n\r\nText.\r\n'
            f"--{boundary}--\r\n").encode()
    _error(edge_api.client.post("/v1/contracts", content=body, headers={
        **edge_api.h(), "Content-Type": f"multipart/form-data; boundary={boundary}"}), 400, "missing_filename")


def test_two_file_parts_are_refused_and_neither_is_stored(edge_api: Api) -> None:
    """FastAPI binds a repeated field to its last part: the second file was analyzed (202) and the first
    dropped without a word. Both upload routes refuse the request instead, whatever the parts are."""
    h = edge_api.h()
    two = [("file", ("first.txt", b"First. The Customer shall not assign.")),
           ("file", ("second.txt", b"Second. Governing law: New York."))]
    for route in ("/v1/contracts", "/v1/templates"):
        error = _error(edge_api.client.post(route, headers=h, files=two), 400, "one_file_per_upload")
        assert "2 'file' parts" in error["message"] and "one file per request" in error["message"]
        assert edge_api.client.get(route, headers=h).json()["count"] == 0, route
    # a file and a plain field of the same name are two parts too
    _error(edge_api.client.post("/v1/contracts", headers=h, files=two[:1], data={"file": "x"}),
           400, "one_file_per_upload")
    assert edge_api.upload(data=b"One. The Customer shall not assign.", name="one.txt").status_code == 202


@pytest.mark.parametrize(("route", "form"), [
    ("/v1/contracts", {"analyzer": ["no-such-analyzer", "fake"]}),
    ("/v1/contracts", {"template_id": ["0" * 32, "1" * 32]}),
    ("/v1/contracts", {"callback_url": ["https://a.example/hook", "https://b.example/hook"]}),
    ("/v1/templates", {"name": ["First name", "Second name"]}),
])
def test_a_repeated_form_field_is_refused_and_nothing_is_stored(edge_api: Api, route: str, form: dict) -> None:
    """FastAPI binds a repeated field to its last part, as it did the file: the first `analyzer` (or name,
    template, callback) was dropped without a word. The request is refused in the same place instead."""
    h = edge_api.h()
    (field, values), = form.items()
    r = edge_api.client.post(route, headers=h, data=form, files={"file": ("one.txt", b"One. Governing law: New York.")})
    error = _error(r, 400, "repeated_field")
    assert f"'{field}'" in error["message"] and f"{len(values)} times" in error["message"], error
    assert edge_api.client.get(route, headers=h).json()["count"] == 0
    spec = edge_api.client.get("/openapi.json").json()
    assert "`repeated_field`" in spec["paths"][route]["post"]["responses"]["400"]["description"]


def test_template_names_are_cleaned_as_file_names_are(edge_api: Api) -> None:
    """A template's name was stored as given but for NUL: a line break or a right-to-left override in it
    forged or hid text wherever the name is printed beside the contract's (cleaned) file name."""
    h = edge_api.h()
    for i, (given, stored) in enumerate([("Standard MSA \r\nv2\u202etxt.exe", "Standard MSA v2txt.exe"),
                                         ("  MSA   2024/25  ", "MSA 2024_25"),
                                         ("MSA\tv2\ndraft", "MSA v2 draft"),
                                         (" \u202e\r\n ", "fallback.txt")]):
        r = edge_api.client.post("/v1/templates", headers=h, data={"name": given},
                                 files={"file": ("fallback.txt", f"{i}. Governing law: New York.".encode())})
        assert r.status_code == 201, r.text
        assert r.json()["name"] == stored, given
    listed = edge_api.client.get("/v1/templates", headers=h).json()["data"]
    assert sorted(t["name"] for t in listed) == ["MSA 2024_25", "MSA v2 draft", "Standard MSA v2txt.exe",
                                                 "fallback.txt"]


def test_uploads_are_read_in_the_isolated_reader_under_its_budget(tmp_path) -> None:
    """The API reads an upload in a child process with a time budget: a file the reader cannot finish in time is
    a 422 `extraction_timeout`, and the server carries on (the same app then reads the next file in time)."""
    from serving.isolation import shutdown

    slow_text = ("Clause text. " * 1_000_000).encode()  # 13 MB: hundreds of ms to decode and normalise, past 10 ms
    for api in open_api(make_settings(tmp_path, file_budget_s=0.01)):
        slow = api.upload(data=slow_text, name="slow.txt")
        assert slow.status_code == 422 and slow.json()["error"]["code"] == "extraction_timeout", slow.text
        assert api.client.get("/healthz").status_code == 200
        api.client.app.state.settings = make_settings(tmp_path)  # the default budget
        assert api.upload(SAMPLES / "master_services_agreement.pdf").status_code == 202
    shutdown()
