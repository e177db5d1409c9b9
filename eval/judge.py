"""An LLM judge of explanation quality (1-5), G-Eval style, on any OpenAI-compatible endpoint.

The judge reads the rubric, writes its evaluation steps, then "Score: N". With logprobs (vLLM and
OpenAI return them) the score is the probability-weighted mean of "1".."5" at the score's position,
which separates explanations that a bare integer ties; without them it is the integer. Temperature 0.
The judge must be of another model family than the model judged (a model rates its own family's
writing higher). Pairwise mode asks "A or B?" in both orders and reports how often the answer follows
the position instead of the explanation.

Calibration against lawyers: Spearman's rho and quadratic-weighted kappa between the judge's and the
lawyers' scores of the same explanations; the judge is "trusted" only above both thresholds, on enough
pairs. Nothing is rated without a judge: no endpoint, no scores."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from eval.matching import match_contract
from eval.metrics import Outcome

RUBRIC_VERSION = 1
RUBRIC = """Rate the EXPLANATION a contract-review tool gave for a clause it flagged, from 1 to 5.

Criteria (each matters):
1. Faithful: it says only what the clause says; nothing invented, nothing contradicted.
2. Severity: the stated severity fits the risk the clause poses to the client.
3. Actionable: it tells the lawyer why the clause matters or what to check or negotiate.
4. Concise: no filler, no repetition of the clause, no generic boilerplate.

Scale:
5 - faithful, right severity, actionable and concise; a partner would send it unchanged.
4 - faithful and useful, with a minor gap (slightly generic, or one criterion weak).
3 - faithful but generic: names the clause type without saying why it matters here.
2 - partly unfaithful, wrong severity, or so vague it does not help.
1 - wrong, misleading, or unrelated to the clause."""

STEPS = ("First write your evaluation steps: check each criterion against the clause, one short line each. "
         "Then write the final line exactly as 'Score: N' with N an integer from 1 to 5.")

PAIRWISE = """Two contract-review tools explained the same flagged clause. Using the rubric below, decide which
explanation is better.

{rubric}

First write your evaluation steps, one short line per criterion for each explanation. Then write the
final line exactly as 'Better: A' or 'Better: B'."""

# model-family names a model id may contain; two ids sharing one are the same family
FAMILIES = ("llama", "qwen", "mistral", "mixtral", "gemma", "phi", "deepseek", "gpt", "claude", "command", "yi",
            "falcon", "olmo", "granite", "smollm", "tinyllama", "internlm", "glm")
_SCORE = re.compile(r"score\s*[:=]\s*\**\s*([1-5])", re.IGNORECASE)
_DIGITS = frozenset("12345")
_BETTER = re.compile(r"better\s*[:=]\s*\**\s*([AB])\b", re.IGNORECASE)


class JudgeError(RuntimeError):
    """The judge endpoint failed or answered something that is not a chat completion."""


class UnratedError(JudgeError):
    """The judge answered, but without the final 'Score: N' (or 'Better: A|B') line: that item is unrated."""


class LogprobsError(JudgeError):
    """The judge's answer carries no logprobs though they were asked for, or malformed ones (not a list, an
    empty top_logprobs, a NaN): the run stops, since every answer of that endpoint will be alike."""


@dataclass(frozen=True)
class Item:
    """One matched finding to rate: where it is and what it says."""

    contract: str
    category: str
    start: int
    end: int
    clause: str
    severity: str
    explanation: str


@dataclass(frozen=True)
class Rating:
    score: float  # probability-weighted with logprobs, else the integer
    stated: int  # the integer the judge wrote
    steps: str
    weighted: bool


def family(model: str) -> str | None:
    name = model.lower().rsplit("/", 1)[-1]
    return next((f for f in sorted(FAMILIES, key=len, reverse=True) if f in name), None)


def same_family(a: str, b: str) -> bool:
    fa, fb = family(a), family(b)
    return fa is not None and fa == fb


def item_prompt(item: Item) -> str:
    return (f"{RUBRIC}\n\nCATEGORY: {item.category}\nSEVERITY GIVEN: {item.severity}\n"
            f"CLAUSE:\n{item.clause}\n\nEXPLANATION:\n{item.explanation}\n\n{STEPS}")


def pair_prompt(category: str, clause: str, first: tuple[str, str], second: tuple[str, str]) -> str:
    """`first`/`second`: (severity, explanation) shown as A and B."""
    return (PAIRWISE.format(rubric=RUBRIC) + f"\n\nCATEGORY: {category}\nCLAUSE:\n{clause}\n\n"
            f"A (severity {first[0]}):\n{first[1]}\n\nB (severity {second[0]}):\n{second[1]}")


def weighted_score(token_logprobs: object) -> float | None:
    """The probability-weighted mean of 1..5 from the top logprobs at the last digit token the judge
    wrote (OpenAI's `choices[0].logprobs.content`), renormalised over the five digits; None when no token
    is a digit. The server's JSON is checked as it is read: what is not in OpenAI's shape (a missing
    `logprob`, an empty `top_logprobs`, a NaN) is a LogprobsError naming it, not a traceback or a NaN score."""
    entries = _objects(token_logprobs, "logprobs.content")
    for n in range(len(entries) - 1, -1, -1):
        where = f"logprobs.content[{n}]"
        if _token(entries[n], where) in _DIGITS:
            alternatives = _objects(entries[n].get("top_logprobs"), f"{where}.top_logprobs")
            if not alternatives:
                raise LogprobsError(f"{where}.top_logprobs, at the score's token, is empty")
            probs: dict[int, float] = {}
            for m, alt in enumerate(alternatives):
                token = _token(alt, f"{where}.top_logprobs[{m}]")
                if token in _DIGITS:
                    probs[int(token)] = probs.get(int(token), 0.0) + math.exp(
                        _logprob(alt.get("logprob"), f"{where}.top_logprobs[{m}].logprob"))
            total = sum(probs.values())
            return sum(k * p for k, p in probs.items()) / total if total else None
    return None


def _objects(value: object, where: str) -> list[dict]:
    if value is None:
        raise LogprobsError(f"{where} is missing")
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise LogprobsError(f"{where} is not a list of objects")
    return value


def _token(entry: dict, where: str) -> str:
    token = entry.get("token")
    if not isinstance(token, str):
        raise LogprobsError(f"{where}.token is not a string")
    return token.strip()


def _logprob(value: object, where: str) -> float:
    """A log-probability: a finite number, at most 0 (exp of more is a probability above 1, or overflows)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value > 0:
        raise LogprobsError(f"{where} is {value!r}, not a log-probability (a finite number, at most 0)")
    return float(value)


class Judge:
    """A chat-completions client for one judge model (httpx; any OpenAI-compatible server)."""

    def __init__(self, endpoint: str, model: str, *, api_key: str | None = None, timeout_s: float = 120.0,
                 max_tokens: int = 600, logprobs: bool = True, client: httpx.Client | None = None) -> None:
        self.url = endpoint.rstrip("/") + "/chat/completions"
        self.model = model
        self.max_tokens = max_tokens
        self.logprobs = logprobs
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = client or httpx.Client(timeout=timeout_s, headers=headers)

    def close(self) -> None:
        self.client.close()

    def _complete(self, prompt: str, *, logprobs: bool) -> tuple[str, object]:
        """The answer's text and its `logprobs` as the server sent them (None when absent)."""
        body: dict = {"model": self.model, "temperature": 0, "max_tokens": self.max_tokens,
                      "messages": [{"role": "user", "content": prompt}]}
        if logprobs:
            body |= {"logprobs": True, "top_logprobs": 5}
        try:
            response = self.client.post(self.url, json=body)
        except httpx.HTTPError as exc:
            raise JudgeError(f"judge endpoint {self.url}: {type(exc).__name__}: {exc}") from None
        if response.status_code >= 400:
            raise JudgeError(f"judge endpoint {self.url}: HTTP {response.status_code}: {response.text[:200]}")
        try:
            choice = response.json()["choices"][0]
            text = choice["message"]["content"] or ""
            if not isinstance(text, str):
                raise TypeError("the message's content is not text")
            return text, choice.get("logprobs")
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            raise JudgeError(f"judge endpoint {self.url}: not a chat completion: {response.text[:200]}") from None

    def rate(self, item: Item) -> Rating:
        text, logprobs = self._complete(item_prompt(item), logprobs=self.logprobs)
        found = _SCORE.findall(text)
        if not found:
            raise UnratedError(f"the judge wrote no 'Score: N' line for {item.contract} / {item.category}")
        stated = int(found[-1])
        weighted = self._weighted(logprobs) if self.logprobs else None
        steps = text[:text.lower().rfind("score")].strip()
        return Rating(weighted if weighted is not None else float(stated), stated, steps, weighted is not None)

    def _weighted(self, logprobs: object) -> float | None:
        """The logprob-weighted score of an answer whose logprobs were asked for: none at all is a LogprobsError
        too, not a quiet fall back to the integer (the run would mix weighted and unweighted scores)."""
        try:
            if logprobs is not None and not isinstance(logprobs, dict):
                raise LogprobsError("logprobs is not an object")
            if not logprobs or logprobs.get("content") in (None, []):
                raise LogprobsError("the answer has no logprobs, though they were asked for")
            return weighted_score(logprobs["content"])
        except LogprobsError as exc:
            raise LogprobsError(f"judge endpoint {self.url}: {exc}") from None

    def prefer(self, category: str, clause: str, first: tuple[str, str], second: tuple[str, str]) -> str:
        """'A' or 'B': which of the two (severity, explanation) the judge finds better, as shown."""
        text, _ = self._complete(pair_prompt(category, clause, first, second), logprobs=False)
        found = _BETTER.findall(text)
        if not found:
            raise UnratedError(f"the judge wrote no 'Better: A|B' line for {category}")
        return found[-1].upper()


def pairwise(judge: Judge, pairs: Sequence[tuple[Item, Item]]) -> dict:
    """Both orders for each (a, b) pair on the same clause: wins, ties (the orders disagree) and the
    inconsistency rate (share of pairs whose winner changed with the order)."""
    a_wins = b_wins = inconsistent = unanswered = 0
    for a, b in pairs:
        try:
            first = judge.prefer(a.category, a.clause, (a.severity, a.explanation), (b.severity, b.explanation))
            second = judge.prefer(a.category, a.clause, (b.severity, b.explanation), (a.severity, a.explanation))
        except UnratedError:
            unanswered += 1
            continue
        winner_1 = "a" if first == "A" else "b"
        winner_2 = "a" if second == "B" else "b"
        if winner_1 != winner_2:
            inconsistent += 1
        elif winner_1 == "a":
            a_wins += 1
        else:
            b_wins += 1
    n = len(pairs) - unanswered
    return {"pairs": n, "unanswered": unanswered, "a_wins": a_wins, "b_wins": b_wins, "inconsistent": inconsistent,
            "inconsistency_rate": inconsistent / n if n else None,
            "a_win_rate": a_wins / n if n else None, "b_win_rate": b_wins / n if n else None}


@dataclass(frozen=True)
class Thresholds:
    rho: float = 0.6
    kappa: float = 0.6
    min_pairs: int = 30


def calibration(judge_scores: Sequence[float], lawyer_scores: Sequence[int], thresholds: Thresholds = Thresholds()) -> dict:
    """Agreement of the judge with lawyers on the same explanations: Spearman's rho on the raw scores,
    quadratic-weighted Cohen's kappa on the judge's scores rounded to 1..5, and the rule: trusted when
    rho and kappa both reach their thresholds on at least `min_pairs` explanations."""
    from scipy.stats import spearmanr
    from sklearn.metrics import cohen_kappa_score

    n = len(judge_scores)
    if n != len(lawyer_scores):
        raise ValueError("judge and lawyer scores must pair up")
    rule = (f"trusted when n >= {thresholds.min_pairs}, Spearman rho >= {thresholds.rho} "
            f"and quadratic-weighted kappa >= {thresholds.kappa}")
    if n < 2 or len(set(judge_scores)) < 2 or len(set(lawyer_scores)) < 2:
        return {"pairs": n, "spearman_rho": None, "weighted_kappa": None, "trusted": False, "rule": rule,
                "why": "too few pairs, or one side gave a single score"}
    rho = float(spearmanr(judge_scores, lawyer_scores).statistic)
    rounded = [min(5, max(1, math.floor(s + 0.5))) for s in judge_scores]
    kappa = float(cohen_kappa_score(rounded, list(lawyer_scores), weights="quadratic", labels=[1, 2, 3, 4, 5]))
    trusted = n >= thresholds.min_pairs and rho >= thresholds.rho and kappa >= thresholds.kappa
    return {"pairs": n, "spearman_rho": rho, "weighted_kappa": kappa, "trusted": trusted, "rule": rule}


def matched_items(outcomes: Sequence[Outcome], categories: Sequence[str]) -> list[Item]:
    """The findings matched to a gold span under CUAD's rule: the ones whose explanation is worth rating
    (an unmatched finding's explanation explains a clause that is not there)."""
    items = []
    for o in outcomes:
        for _, j in match_contract("cuad", o.gold, o.findings, categories).pairs:
            f = o.findings[j]
            items.append(Item(o.name, f.category, f.start, f.end, f.quote, f.severity, f.explanation))
    return items
