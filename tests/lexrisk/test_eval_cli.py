"""`lexrisk eval run|report|judge` end to end on a tiny gold folder and a scripted analyzer, the judge
against a real HTTP server on loopback."""

from __future__ import annotations

import csv
import json
import math
import re

import pytest

from lexrisk.cli import main
from tests.eval.fake_openai import completion, fake_openai
from tests.eval.fakes import PLUGIN, write_cuad


@pytest.fixture
def gold(tmp_path):
    return write_cuad(tmp_path / "cuad")


@pytest.fixture
def run_dir(gold, tmp_path):
    out = tmp_path / "run"
    assert main(["eval", "run", "--analyzer", "scripted", PLUGIN, "--data", str(gold), "--out", str(out),
                 "--bootstrap", "200"]) == 0
    return out


def test_run_scores_every_contract_and_records_the_failure(run_dir):
    m = json.loads((run_dir / "metrics.json").read_text())
    # clause categories: alpha's two found; beta's non-compete found, its convenience clause missed, a wrong audit
    assert (m["micro"]["tp"], m["micro"]["fp"], m["micro"]["fn"]) == (3, 1, 1)
    assert m["micro"]["precision"] == 0.75 and m["micro"]["recall"] == 0.75
    assert m["micro_all"]["fn"] == 2  # Governing Law is not a clause category, but counts over all 41
    assert m["contracts"] == 3 and m["failed"] == 1 and m["errors"] == {"RuntimeError": 1}
    # scores 0.9 (hit), 0.8 (hit), 0.7 (miss), 0.6 (hit) over 4 gold clauses: 0.5 * 1 + 0.25 * 0.75
    assert m["aupr"]["scored"] and m["aupr"]["aupr"] == pytest.approx(0.6875)
    assert m["aupr"]["precision_at_80_recall"] == 0.0
    assert m["ci"]["f1"][0] <= m["micro"]["f1"] <= m["ci"]["f1"][1]
    assert m["grounding"]["rate"] == 1.0 and m["grounding"]["quotes_at_offsets"] == 4
    files = sorted(p.name for p in (run_dir / "predictions").iterdir())
    assert files == ["alpha.txt.json", "beta.txt.json", "gamma.txt.error.json"]
    result = json.loads((run_dir / "predictions" / "alpha.txt.json").read_text())
    assert result["analyzer"] == {"name": "scripted", "version": "1", "model": "scripted@1"}
    assert len(result["findings"]) == 2 and {f["model"] for f in result["findings"]} == {"scripted@1"}
    info = json.loads((run_dir / "run.json").read_text())
    assert info["analyzer"] == "scripted" and info["contracts"] == 3 and info["versions"]["python"]
    assert {"commit", "date", "data", "adapter"} <= set(info)
    assert info["command"].startswith("lexrisk eval run --analyzer scripted")


def test_contracts_file_and_limit_pick_contracts(gold, tmp_path):
    names = tmp_path / "names.txt"
    names.write_text("beta.txt\n")
    out = tmp_path / "one"
    assert main(["eval", "run", "--analyzer", "scripted", PLUGIN, "--data", str(gold), "--contracts", str(names),
                 "--out", str(out), "--bootstrap", "50"]) == 0
    m = json.loads((out / "metrics.json").read_text())
    assert m["contracts"] == 1 and (m["micro"]["tp"], m["micro"]["fp"], m["micro"]["fn"]) == (1, 1, 1)


@pytest.mark.parametrize(("argv", "message"), [
    (["--data", "/nonexistent/cuad"], "gold folder not found"),
    (["--data", "store:holdout"], "the split is train, dev or test"),
    (["--data", "store:dev", "--split", "dev"], "a store split is named in --data store:SPLIT"),
    (["--set", "no_such_setting=1"], "no setting named 'no_such_setting'"),
    (["--set", "max_pages=-3"], "max_pages"),
    (["--limit", "0"], "--limit must be at least 1"),
])
def test_bad_input_is_one_line_and_exit_2(argv, message, gold, tmp_path, capsys):
    args = ["eval", "run", "--analyzer", "scripted", PLUGIN, "--data", str(gold), "--out", str(tmp_path / "x"), *argv]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_a_store_that_cannot_be_read_is_named_without_its_password(gold, tmp_path, capsys):
    url = "postgresql+psycopg://lexrisk:hunter2@127.0.0.1:1/test"  # port 1: nothing listens, the connection fails
    assert main(["eval", "run", "--analyzer", "scripted", PLUGIN, "--data", "store:dev", "--set", f"database_url={url}",
                 "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err.strip()
    assert "cannot read the store at postgresql+psycopg://lexrisk:***@127.0.0.1:1/test" in err
    assert "hunter2" not in err and len(err.splitlines()) == 1


def test_report_from_two_runs(run_dir, gold, tmp_path):
    second = tmp_path / "run2"
    assert main(["eval", "run", "--analyzer", "scripted", PLUGIN, "--data", str(gold), "--limit", "1",
                 "--out", str(second), "--bootstrap", "50"]) == 0
    report = tmp_path / "report"
    assert main(["eval", "report", str(run_dir), str(second), "--out", str(report), "--throughput", "1000",
                 "--gpu-price", "2", "--api-input-price", "3", "--api-output-price", "15"]) == 0
    for png in ("per_category.png", "pr_curve.png"):
        data = (report / png).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    md = (report / "report.md").read_text()
    assert "| measure | run | run2 |" in md
    assert "0.750 [" in md  # run's precision with its interval
    assert "0.688" in md and "no judge configured" in md
    assert "n/a (tokens not measured)" in md  # no tokenizer was given: no cost is made up
    html = (report / "report.html").read_text()
    assert "<table>" in html and "pr_curve.png" in html


def test_report_rejects_a_folder_that_is_not_a_run(tmp_path, capsys):
    assert main(["eval", "report", str(tmp_path), "--out", str(tmp_path / "r")]) == 2
    assert "no metrics.json" in capsys.readouterr().err


def _graded(body: dict):
    """The judge's answer by what the explanation says: three grades, with logprobs around them."""
    prompt = body["messages"][0]["content"]
    explanation = prompt.split("EXPLANATION:")[-1].split("First write")[0]
    if "negotiate" in explanation:
        return "Faithful: yes. Severity: fits. Actionable: yes. Concise: yes.\nScore: 5", {"5": 0.9, "4": 0.1}
    if "check" in explanation:
        return "Faithful: yes. Actionable: weak.\nScore: 3", {"3": 0.5, "2": 0.25, "4": 0.25}
    return "Faithful: yes.\nScore: 4", {"4": 1.0}


def test_judge_rates_matched_findings_with_logprob_weighting(run_dir, tmp_path):
    db = f"sqlite:///{tmp_path / 'store.db'}"
    with fake_openai(_graded) as (url, seen):
        assert main(["eval", "judge", str(run_dir), "--endpoint", url, "--model", "gemma-3-27b-it"]) == 0
    assert all(req["temperature"] == 0 and req["logprobs"] is True and req["model"] == "gemma-3-27b-it" for req in seen)
    assert "Score: N" in seen[0]["messages"][0]["content"]  # steps first, then the score
    j = json.loads((run_dir / "judge.json").read_text())
    scores = sorted(r["score"] for r in j["ratings"])
    # 0.9*5 + 0.1*4 = 4.9; 0.5*3 + 0.25*2 + 0.25*4 = 3.0; 4.0 — only the three matched findings are rated
    assert scores == pytest.approx([3.0, 4.0, 4.9])
    assert j["summary"]["mean"] == pytest.approx((3.0 + 4.0 + 4.9) / 3)
    assert j["summary"]["trusted"] is None and j["calibration"] is None

    # lawyers rate the sheet the judge wrote; the judge is then calibrated against them
    sheet = run_dir / "to_rate.csv"
    rows = list(csv.DictReader(sheet.open()))
    assert len(rows) == 3 and all(r["score"] == "" and r["clause"] for r in rows)
    lawyer = {"negotiate": "5", "check": "2", "narrow": "4"}
    for r in rows:
        r["score"] = next(v for k, v in lawyer.items() if k in r["explanation"])
    with sheet.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert main(["annotate", "--db", db, "rate", str(sheet), "--rater", "A. Lawyer"]) == 0
    assert main(["annotate", "--db", db, "rate", str(sheet), "--rater", "A. Lawyer"]) == 0  # replaces, no duplicates
    with fake_openai(_graded) as (url, _):
        assert main(["eval", "judge", str(run_dir), "--endpoint", url, "--model", "gemma-3-27b-it", "--calibrate",
                     "--db", db, "--min-pairs", "3", "--min-kappa", "0.5"]) == 0
    c = json.loads((run_dir / "judge.json").read_text())["calibration"]
    assert c["pairs"] == 3 and c["spearman_rho"] == pytest.approx(1.0)
    # rounded judge 5, 3, 4 against lawyers 5, 2, 4, quadratic weights: observed 1/16 over 3 pairs against
    # expected 21/16 over 9 cells, so kappa = 1 - (1/3) / (21/9) = 1 - 3/21
    assert c["weighted_kappa"] == pytest.approx(1 - 3 / 21)
    assert c["trusted"] is True


def test_judge_pairwise_reports_position_bias(run_dir):
    def always_a(body):
        return "Both fine.\nBetter: A", None

    with fake_openai(lambda b: always_a(b) if "Better" in b["messages"][0]["content"] else _graded(b)) as (url, _):
        assert main(["eval", "judge", str(run_dir), "--endpoint", url, "--model", "qwen2.5-72b",
                     "--against", str(run_dir)]) == 0
    p = json.loads((run_dir / "judge.json").read_text())["pairwise"]
    assert p["pairs"] == 3 and p["inconsistent"] == 3 and p["inconsistency_rate"] == 1.0
    # the report shows the judge's mean with its interval, and the pairwise outcome
    assert main(["eval", "report", str(run_dir), "--out", str(run_dir / "report")]) == 0
    md = (run_dir / "report" / "report.md").read_text()
    mean = json.loads((run_dir / "judge.json").read_text())["summary"]["mean"]
    assert f"| explanation quality, LLM judge 1-5 | {mean:.3f} [" in md
    assert "order-dependent 3 of 3 (100%)" in md


def test_judge_refuses_its_own_family_and_a_dead_endpoint(gold, tmp_path, capsys):
    out = tmp_path / "llama-run"
    assert main(["eval", "run", "--analyzer", "scripted", PLUGIN, "--adapter", "/adapters/llama-3.1-8b-risk",
                 "--data", str(gold), "--out", str(out), "--bootstrap", "20"]) == 0
    assert main(["eval", "judge", str(out), "--endpoint", "http://127.0.0.1:9/v1", "--model", "Llama-3.3-70B"]) == 2
    assert "same family" in capsys.readouterr().err
    assert main(["eval", "judge", str(out), "--endpoint", "http://127.0.0.1:9/v1", "--model", "mistral-large"]) == 2
    err = capsys.readouterr().err.strip()
    assert re.search(r"judge endpoint .*ConnectError", err) and len(err.splitlines()) == 1


def test_rate_rejects_a_bad_sheet(tmp_path, capsys):
    sheet = tmp_path / "s.csv"
    sheet.write_text("contract,category,start,end,explanation,score\na.txt,Cap on Liability,0,10,why,7\n")
    assert main(["annotate", "--db", f"sqlite:///{tmp_path / 'db.sqlite'}", "rate", str(sheet), "--rater", "X"]) == 2
    assert "score 7 is not between 1 and 5" in capsys.readouterr().err


def test_run_on_a_store_split_uses_accepted_labels_and_lawyers_severities(tmp_path):
    from annotation.dataset import split_of
    from annotation.store import Store
    from annotation.store.repository import add_annotation, get_or_create_contract
    from contracts.documents import Document
    from tests.eval.fakes import ASSIGN, CAP, CONTRACTS, LAW

    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = Store(url)
    text = CONTRACTS["alpha.txt"][0]
    # a sha256 that falls in the test split (the builder's split: seed 0, 10% dev, 10% test)
    digest = next(h for h in (f"{i:064x}" for i in range(1000)) if split_of(h, 0, 0.1, 0.1) == "test")
    with store.session() as session:
        contract = get_or_create_contract(session, "acme", Document.from_text("alpha.txt", text, sha256=digest))
        for category, quote, severity, status in [("Anti-Assignment", ASSIGN, "low", "accepted"),
                                                  ("Cap on Liability", CAP, "high", "accepted"),
                                                  ("Governing Law", LAW, "info", "rejected")]:
            add_annotation(session, contract, "A. Lawyer", category=category, severity=severity,
                           start=text.index(quote), end=text.index(quote) + len(quote), source="api", status=status)
    store.dispose()
    out = tmp_path / "store-run"
    assert main(["eval", "run", "--analyzer", "scripted", PLUGIN, f"--set=database_url={url}", "--data", "store:test",
                 "--tenant", "public", "--out", str(out)]) == 2  # another tenant's labels are no gold of public's
    assert main(["eval", "run", "--analyzer", "scripted", PLUGIN, f"--set=database_url={url}", "--data", "store:test",
                 "--tenant", "acme", "--out", str(out), "--bootstrap", "20"]) == 0
    m = json.loads((out / "metrics.json").read_text())
    assert m["contracts"] == 1 and (m["micro"]["tp"], m["micro"]["fp"], m["micro"]["fn"]) == (2, 0, 0)
    assert m["micro_all"]["fn"] == 0  # the rejected label is not gold
    # the lawyers' severities are the gold: the playbook's severities on the findings are compared with them
    assert m["severity"]["matched"] == 2 and sum(m["severity"]["confusion"]["low"].values()) == 1
    assert m["no_high_missed"] == {"contracts_with_high": 1, "passed": 1, "rate": 1.0}
    assert json.loads((out / "run.json").read_text())["data"].startswith("store:test tenant acme (sqlite:///")
    assert main(["eval", "run", "--analyzer", "scripted", PLUGIN, f"--set=database_url={url}", "--data", "store:dev",
                 "--tenant", "acme", "--out", str(out)]) == 2


def test_tokens_per_contract_feed_the_cost_section(gold, tmp_path):
    tokenizers = pytest.importorskip("tokenizers")
    from tests.eval.fakes import CONTRACTS

    tok = tokenizers.Tokenizer(tokenizers.models.WordLevel(unk_token="[UNK]"))
    tok.pre_tokenizer = tokenizers.pre_tokenizers.Whitespace()
    tok.train_from_iterator([t for t, _ in CONTRACTS.values()],
                            tokenizers.trainers.WordLevelTrainer(special_tokens=["[UNK]"]))
    tok.save(str(tmp_path / "tokenizer.json"))
    out = tmp_path / "tok-run"
    assert main(["eval", "run", "--analyzer", "scripted", PLUGIN, "--data", str(gold), "--out", str(out),
                 "--tokenizer", str(tmp_path), "--bootstrap", "20"]) == 0
    speed = json.loads((out / "metrics.json").read_text())["speed"]
    # the two contracts the analyzer answered (gamma failed), words and punctuation as the tokenizer splits them
    words = [len(re.findall(r"\w+|[^\w\s]+", CONTRACTS[n][0])) for n in ("alpha.txt", "beta.txt")]
    assert speed["tokens_in_per_contract"] == sum(words) / 2
    assert speed["tokens_out_per_contract"] > 0
    report = tmp_path / "report"
    assert main(["eval", "report", str(out), "--out", str(report), "--throughput", "100", "--gpu-price", "2",
                 "--api-input-price", "3", "--api-output-price", "15"]) == 0
    md = (report / "report.md").read_text()
    tokens = speed["tokens_in_per_contract"] + speed["tokens_out_per_contract"]
    hours = 1000 * tokens / 100 / 3600
    api = 1000 * (speed["tokens_in_per_contract"] * 3 + speed["tokens_out_per_contract"] * 15) / 1e6
    assert f"| GPU-hours per 1,000 contracts | {hours:.2f} |" in md
    assert f"| self-hosted cost per 1,000 contracts | ${hours * 2:.2f} |" in md
    assert f"| hosted API cost per 1,000 contracts | ${api:.2f} |" in md


def test_judge_family_check_reads_the_stated_base_model(run_dir, capsys):
    # the scripted run names no model; the user says the served LoRA sits on a Qwen base
    assert main(["eval", "judge", str(run_dir), "--endpoint", "http://127.0.0.1:9/v1", "--model", "Qwen2.5-72B",
                 "--judged-model", "Qwen/Qwen2.5-7B-Instruct"]) == 2
    assert "same family" in capsys.readouterr().err


def test_an_answer_without_a_score_costs_that_item_only(run_dir):
    def sometimes(body):
        if "negotiate" in body["messages"][0]["content"].split("EXPLANATION:")[-1].split("First write")[0]:
            return "I cannot rate this.", None
        return "Fine.\nScore: 4", {"4": 1.0}

    with fake_openai(sometimes) as (url, _):
        assert main(["eval", "judge", str(run_dir), "--endpoint", url, "--model", "gemma-3-27b-it"]) == 0
    j = json.loads((run_dir / "judge.json").read_text())
    assert j["summary"]["rated"] == 2 and j["summary"]["unrated"] == 1 and j["summary"]["mean"] == 4.0
    assert "no 'Score: N' line" in j["unrated"][0]


def test_a_run_where_every_contract_fails_exits_1_and_says_why(gold, tmp_path, capsys):
    names = tmp_path / "names.txt"
    names.write_text("gamma.txt\n")
    assert main(["eval", "run", "--analyzer", "scripted", PLUGIN, "--data", str(gold), "--contracts", str(names),
                 "--out", str(tmp_path / "dead"), "--bootstrap", "20"]) == 1
    err = " ".join(capsys.readouterr().err.split())  # the console wraps long lines
    assert "every contract failed; the first: RuntimeError: scripted failure on gamma.txt" in err
    assert json.loads((tmp_path / "dead" / "metrics.json").read_text())["failed"] == 1


def _scored_with(logprobs) -> dict:
    """A chat completion that writes a score, with `logprobs` as the server sent them (absent when None)."""
    body = completion("Fine.\nScore: 4", None)
    if logprobs is not None:
        body["choices"][0]["logprobs"] = logprobs
    return body


def _at_score(**alternative) -> dict:
    """logprobs whose score token's one top alternative is `alternative`."""
    return {"content": [{"token": "4", "logprob": -0.1, "top_logprobs": [alternative]}]}


@pytest.mark.parametrize(("logprobs", "problem"), [
    (None, "the answer has no logprobs, though they were asked for"),
    ({"content": []}, "the answer has no logprobs, though they were asked for"),
    ("4", "logprobs is not an object"),
    ({"content": {"token": "4"}}, "logprobs.content is not a list of objects"),
    ({"content": ["4"]}, "logprobs.content is not a list of objects"),
    ({"content": [{"token": None, "logprob": 0.0}]}, "logprobs.content[0].token is not a string"),
    ({"content": [{"token": "4", "logprob": -0.1}]}, "logprobs.content[0].top_logprobs is missing"),
    ({"content": [{"token": "4", "logprob": -0.1, "top_logprobs": []}]},
     "logprobs.content[0].top_logprobs, at the score's token, is empty"),
    ({"content": [{"token": "4", "logprob": -0.1, "top_logprobs": {"4": -0.1}}]},
     "logprobs.content[0].top_logprobs is not a list of objects"),
    (_at_score(token="4"), "logprobs.content[0].top_logprobs[0].logprob is None, not a log-probability"),
    (_at_score(token="4", logprob=math.nan), "logprobs.content[0].top_logprobs[0].logprob is nan, not a log-probability"),
    (_at_score(token="4", logprob=math.inf), "logprobs.content[0].top_logprobs[0].logprob is inf, not a log-probability"),
    (_at_score(token="4", logprob=1000), "logprobs.content[0].top_logprobs[0].logprob is 1000, not a log-probability"),
    (_at_score(token="4", logprob="-0.1"), "logprobs.content[0].top_logprobs[0].logprob is '-0.1', not a log-probability"),
])
def test_malformed_logprobs_are_one_line_naming_the_problem(run_dir, capsys, logprobs, problem):
    """The judge server's logprobs were read without a check: a missing `logprob`, a dict for a list, ... ended
    in a traceback; a NaN became every score and an invalid judge.json; none at all, or an empty top_logprobs,
    quietly gave the integer (marked as weighted, for the latter)."""
    with fake_openai(lambda body: _scored_with(logprobs)) as (url, _):
        assert main(["eval", "judge", str(run_dir), "--endpoint", url, "--model", "gemma-3-27b-it"]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith(f"lexrisk: error: judge endpoint {url}/chat/completions: {problem}")
        assert "--no-logprobs" in err and len(err.splitlines()) == 1
        assert not (run_dir / "judge.json").exists()
        # the way out the line names: the integer the judge wrote
        assert main(["eval", "judge", str(run_dir), "--endpoint", url, "--model", "gemma-3-27b-it",
                     "--no-logprobs"]) == 0
    j = json.loads((run_dir / "judge.json").read_text())
    assert j["summary"]["rated"] == 3 and [r["score"] for r in j["ratings"]] == [4.0] * 3
    assert not any(r["weighted"] for r in j["ratings"])
