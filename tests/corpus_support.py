"""Scoring a run of ``derive check --json`` on the corpus of tests/corpus/ against its labels
(tests/corpus_labels.py), and running it: every post in this process, one after the other."""

from __future__ import annotations

import contextlib
import io
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from corpus_labels import Post, Row, load_post


@dataclass
class Score:
    """Counts for one post or a group of posts; ``wrong`` lists the wrong verdicts."""

    claims: int = 0
    claims_right: int = 0
    slips: int = 0
    slips_refuted: int = 0
    non_claims: int = 0
    non_claims_respected: int = 0
    not_reported: int = 0
    rows: int = 0
    wrong: list[str] = field(default_factory=list)
    lost: list[tuple[Row, str]] = field(default_factory=list)  # claims not right, and why
    extra: list[str] = field(default_factory=list)  # reported rows at no labelled `=`

    def add(self, other: Score) -> None:
        for name in ("claims", "claims_right", "slips", "slips_refuted", "non_claims"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.non_claims_respected += other.non_claims_respected
        self.not_reported += other.not_reported
        self.rows += other.rows
        self.wrong += other.wrong
        self.lost += other.lost
        self.extra += other.extra


def verdict_of(statuses: list[str]) -> str:
    """proved, refuted or unjudged: what a reader said of one `=` (all its reported rows)."""
    if any(s.startswith("refuted") for s in statuses):
        return "refuted"
    if any(s.startswith("proved") for s in statuses):
        return "proved"
    return "unjudged"


def score_post(post: Post, reported: list[dict]) -> Score:
    """Score the JSON rows of ``derive check --json`` on one post against its labels."""
    score = Score(rows=len(post.rows))
    by_place = {(row.line, row.column): row for row in post.rows}
    statuses: dict[tuple[int, int], list[str]] = {}
    details: dict[tuple[int, int], str] = {}
    for item in reported:
        place = _match(by_place, item.get("line"), item.get("column"))
        if place is None:
            where = f"{post.path.name}:{item.get('line')}:{item.get('column')}"
            score.extra.append(f"{where}: {item.get('status')}")
            continue
        statuses.setdefault(place, []).append(str(item.get("status", "")))
        details.setdefault(place, f"{item.get('status')}: {item.get('detail', '')}".strip())
    for row in post.rows:
        said = statuses.get((row.line, row.column))
        _judge(score, post, row, verdict_of(said or []), details.get((row.line, row.column)))
        score.not_reported += said is None
    return score


def _match(by_place: dict, line, column) -> tuple[int, int] | None:
    """The labelled `=` a reported row stands at: same line, same column (±1 for `:=`)."""
    if not isinstance(line, int) or not isinstance(column, int):
        return None
    for delta in (0, 1, -1):
        if (line, column + delta) in by_place:
            return line, column + delta
    return None


def _judge(score: Score, post: Post, row: Row, verdict: str, detail: str | None) -> None:
    where = f"{post.path.name}:{row.line}:{row.column}"
    if row.cls == "claim":
        score.claims += 1
        score.slips += row.true is False
        good, bad = ("proved", "refuted") if row.true else ("refuted", "proved")
        if verdict == good:
            score.claims_right += 1
            score.slips_refuted += row.true is False
        else:
            score.lost.append((row, detail or "not reported"))
        if verdict == bad:
            truth = "true" if row.true else "false (a slip)"
            score.wrong.append(f"{where}: {verdict} a {truth} claim: {row.text}")
        return
    score.non_claims += 1
    if verdict == "unjudged":
        score.non_claims_respected += 1
    elif verdict == "refuted" or row.cls == "ill-formed":
        score.wrong.append(f"{where}: {verdict} a {row.cls}: {row.text}")


def share(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


# --- running ---------------------------------------------------------------------------------


@dataclass
class Run:
    """One post checked: its labels, the rows derive reported, the time, and a whole-file
    error (exit 2: the post could not be read at all, so no row was reported)."""

    post: Post
    reported: list[dict]
    seconds: float
    error: str = ""

    @property
    def score(self) -> Score:
        return score_post(self.post, self.reported)


CRASH = "crash: "  # the start of a Run's error when derive raised instead of reporting


def check_json(path: Path, timeout: float) -> tuple[list[dict], str]:
    """``derive check PATH --json`` in this process: the rows, or the one-line error (or the
    exception, when derive crashed: a bug, which must not hide the other posts' scores)."""
    from derive.cli import main  # the command line as users run it, without a new interpreter

    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["check", str(path), "--json", "--timeout", str(timeout)])
    except Exception as exc:  # a reader bug: the post is scored as nothing reported, and said
        return [], f"{CRASH}{type(exc).__name__}: {exc}"
    if code == 2:
        return [], err.getvalue().strip() or "exit 2"
    records = json.loads(out.getvalue())  # one per step, then the run's summary
    return [r for r in records if r.get("type", "step") == "step"], ""


def run_posts(paths: list[Path], timeout: float) -> list[Run]:
    """Check every post, one after the other in this process, timing each."""
    runs = []
    for path in paths:
        post = load_post(path)
        start = time.perf_counter()
        reported, error = check_json(path, timeout)
        runs.append(Run(post, reported, time.perf_counter() - start, error))
    return runs


# Constructs of real posts, as found in a row's text: which ones the rows that are not right
# use (a row counts once for each construct it uses).
CONSTRUCTS = (
    ("\\hat, \\bar, \\tilde, \\vec", r"\\(?:hat|bar|tilde|vec|widehat)\b"),
    ("bold: \\mathbf, \\boldsymbol, \\bm, \\textbf", r"\\(?:mathbf|boldsymbol|bm|textbf)\b"),
    ("\\mathcal, \\mathrm, \\text (names)", r"\\(?:mathcal|mathrm)\b|\\text\{[A-Za-z]{2,}\}"),
    ("\\nabla", r"\\nabla|\\triangledown"),
    ("transpose ^T, ^\\top", r"\^\{?(?:T|\\top|\\mathsf\{T\}|\\intercal)\}?"),
    ("\\odot, \\circ, \\otimes", r"\\(?:odot|circ|otimes)\b"),
    ("norm \\| \\|", r"\\\||\\[lr]Vert|\|\|"),
    ("\\textcolor, \\color", r"\\(?:textcolor|color)\b"),
    ("a word as a name: Softmax, CE, Loss", r"(?<![\\A-Za-z])[A-Z][A-Za-z]{1,}(?![A-Za-z])"),
    ("call with several arguments", r"[A-Za-z}]\([^()]*,[^()]*\)"),
    ("prime: \\sigma'(z), e_i'", r"'"),
    ("\\partial of a bare numerator", r"\\frac\{-?\s*\\partial\s+[^}]*\s[^}]*\}\{\\partial"),
    ("\\frac{d}{dz}, \\frac{d\\sigma}{dz}", r"\\frac\{d[^}]*\}\{d"),
    ("bare \\sum (no bounds)", r"\\sum(?![_\w])"),
    ("\\sum_k without a range", r"\\sum_(?:\w|\{[^}=]*\})(?!\^)"),
    ("written-out sum \\dots", r"\\(?:dots|cdots|ldots)"),
    ("condition \\quad i = j, \\text{if}", r"\\quad|\\text\{(?:if|for)"),
    ("\\delta_{ij}, \\mathbb{1}", r"\\delta_\{?\w\w|\\mathbb\{1\}"),
    ("cases", r"\\begin\{cases\}"),
    ("a chain row (&=, or a display that starts with =)", r"^\s*&?="),
    ("matrix label [l], (l), ^{(i)}", r"\^\{?[\[(]"),
    ("\\max, \\min", r"\\(?:max|min)\b"),
    ("\\sigma, \\tanh, relu", r"\\sigma|\\tanh|relu|ReLU"),
)


def constructs_of(text: str) -> list[str]:
    return [name for name, pattern in CONSTRUCTS if re.search(pattern, text)]
