"""`lexrisk eval judge` against the real vLLM (CPU) that the serving tests start (the session's shared
`vllm` fixture), judging a real `lexrisk eval run` of the scripted analyzer on two small contracts.

The served model is a tiny random Llama, so this asserts the judge's contract with a real server, never
the content: vLLM accepts the judge's request (temperature 0, logprobs with top 5, max_tokens) and
returns a logprob for every token it wrote; an answer without 'Score: N' (all a random model writes)
is counted as unrated, not fatal; and, with the answer's last line constrained by vLLM's own structured
outputs (the only way a random model writes a score), the score is the probability-weighted mean over
the digits vLLM returned, the pairwise mode answers, and two runs at temperature 0 are identical."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import httpx
import pytest

from eval.judge import Judge
from lexrisk.cli import main
from lexrisk.testing.vllm_server import LORA_NAME
from tests.eval.fakes import PLUGIN, write_cuad

pytestmark = [pytest.mark.vllm, pytest.mark.slow]
DIGITS = {"1", "2", "3", "4", "5"}


class Recording(httpx.HTTPTransport):
    """Records each chat request and vLLM's answer; with `constrain`, first adds a vLLM structured-outputs
    regex that makes the answer end in the line the judge's prompt asks for."""

    def __init__(self, constrain: bool) -> None:
        super().__init__()
        self.constrain = constrain
        self.exchanges: list[tuple[dict, dict]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.read())
        if self.constrain:
            last = "Better: [AB]" if "'Better: A'" in body["messages"][0]["content"] else "Score: [1-5]"
            body["structured_outputs"] = {"regex": f"[a-z ]{{1,24}}\n{last}"}
            headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
            request = httpx.Request(request.method, request.url, headers=headers, json=body)
        response = super().handle_request(request)
        response.read()
        self.exchanges.append((body, response.json() if response.status_code == 200 else {}))
        return response


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    gold = write_cuad(tmp_path / "cuad")
    names = tmp_path / "names.txt"
    names.write_text("alpha.txt\nbeta.txt\n")
    out = tmp_path / "run"
    assert main(["eval", "run", "--analyzer", "scripted", PLUGIN, "--data", str(gold), "--contracts", str(names),
                 "--out", str(out), "--bootstrap", "20"]) == 0
    return out


def _judge(run_dir: Path, url: str, transport: Recording, monkeypatch, *extra: str) -> dict:
    """`lexrisk eval judge` in process, its Judge's HTTP client going through `transport`."""
    real_init = Judge.__init__

    def init(self: Judge, endpoint: str, model: str, **kwargs) -> None:
        real_init(self, endpoint, model, **kwargs, client=httpx.Client(transport=transport, timeout=300))

    with monkeypatch.context() as patch:
        patch.setattr(Judge, "__init__", init)
        assert main(["eval", "judge", str(run_dir), "--endpoint", url, "--model", LORA_NAME, *extra]) == 0
    assert (run_dir / "to_rate.csv").is_file()
    return json.loads((run_dir / "judge.json").read_text())


def test_judge_request_shape_and_unrated_answers_on_real_vllm(vllm: str, run_dir: Path, monkeypatch) -> None:
    transport = Recording(constrain=False)
    j = _judge(run_dir, vllm, transport, monkeypatch)
    assert len(transport.exchanges) == 3  # the three findings matched to a gold clause
    texts = []
    for body, answer in transport.exchanges:
        assert answer, "vLLM refused the judge's request"
        assert body["temperature"] == 0 and body["logprobs"] is True and body["top_logprobs"] == 5
        choice = answer["choices"][0]
        tokens = choice["logprobs"]["content"]
        assert len(tokens) == answer["usage"]["completion_tokens"] <= body["max_tokens"]
        assert all(len(t["top_logprobs"]) == 5 and t["logprob"] <= 0 for t in tokens)
        texts.append(choice["message"]["content"])
    # whatever the random model wrote, each answer without a final 'Score: N' is one unrated item
    scoreless = sum(not re.search(r"score\s*[:=]\s*\**\s*[1-5]", t, re.IGNORECASE) for t in texts)
    assert scoreless > 0
    assert (j["summary"]["unrated"], j["summary"]["rated"]) == (scoreless, 3 - scoreless) == (len(j["unrated"]),
                                                                                              len(j["ratings"]))
    assert all("no 'Score: N' line" in u for u in j["unrated"])


def test_weighted_scores_pairwise_and_repeatability_on_real_vllm(vllm: str, run_dir: Path, monkeypatch) -> None:
    runs = []
    for _ in range(2):
        transport = Recording(constrain=True)
        j = _judge(run_dir, vllm, transport, monkeypatch, "--against", str(run_dir))
        runs.append((j, transport.exchanges))
    j, exchanges = runs[0]
    assert j["summary"]["rated"] == 3 and j["summary"]["unrated"] == 0
    assert j["summary"]["weighted_by_logprobs"] == 3
    rate_answers = [a for b, a in exchanges if b.get("logprobs")]
    assert len(rate_answers) == 3 and len(exchanges) == 3 + 2 * 3  # three ratings, three pairs in both orders
    for rating, answer in zip(j["ratings"], rate_answers, strict=True):
        digit = next(t for t in reversed(answer["choices"][0]["logprobs"]["content"]) if t["token"].strip() in DIGITS)
        assert digit["token"].strip() == str(rating["stated"])
        probs = {int(a["token"]): math.exp(a["logprob"]) for a in digit["top_logprobs"] if a["token"] in DIGITS}
        assert len(probs) > 1  # the score spreads over several digits: a mean, not the written integer
        assert 1 <= rating["score"] <= 5 and rating["score"] != rating["stated"]
        assert rating["score"] == pytest.approx(sum(k * p for k, p in probs.items()) / sum(probs.values()))
    assert j["summary"]["mean"] == pytest.approx(sum(r["score"] for r in j["ratings"]) / 3)
    p = j["pairwise"]
    assert p["pairs"] == 3 and p["unanswered"] == 0 and p["a_wins"] + p["b_wins"] + p["inconsistent"] == 3
    # temperature 0: the second run gave the same answers, so the same file (but its date)
    again = runs[1][0]
    assert [a["choices"][0]["message"]["content"] for _, a in runs[1][1]] == \
           [a["choices"][0]["message"]["content"] for _, a in exchanges]
    assert {k: v for k, v in again.items() if k != "date"} == {k: v for k, v in j.items() if k != "date"}
