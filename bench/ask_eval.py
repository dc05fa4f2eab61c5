"""Score the offline ask engine on written follow-up questions: does it quote the answering sentence
(questions 1 and 2 of a case) and decline the unanswerable one (question 3)?

    python bench/ask_eval.py [--shared ../shared]  # shared cases (../shared/eval/cases) and held-out cases
    python bench/ask_eval.py --verbose            # every question, what was quoted

A question with an expected sentence counts as answered right when one of the quoted sentences
contains the expected fragment (compared without case or spacing); `decline` counts when the
answer quotes no sentence. Questions live in eval/questions/*.yaml.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.ask.local import answer_locally  # noqa: E402
from bot.extract import extract_article  # noqa: E402
from bot.models import Answer  # noqa: E402
from bot.web.source import read_local_page  # noqa: E402

QUESTIONS = {"shared": ROOT / "eval/questions/shared.yaml", "holdout": ROOT / "eval/questions/holdout.yaml"}


def _plain(text: str) -> str:
    return " ".join(text.replace("’", "'").lower().split())


def correct(answer: Answer, expect: str | list[str]) -> bool:
    """The answer quotes an expected sentence, or declines when that is what is expected."""
    if expect == "decline":
        return not answer.quotes
    wanted = [expect] if isinstance(expect, str) else expect
    return any(_plain(fragment) in _plain(q.text) for fragment in wanted for q in answer.quotes)


def score(
    questions: Path, cases: Path, verbose: bool, seconds: list[float]
) -> tuple[int, int, dict[str, list[int]]]:
    """(right, asked, per kind [right, asked]) for one question file over its case folder; the time each
    answer took is added to `seconds`."""
    listed = yaml.safe_load(questions.read_text(encoding="utf-8"))["cases"]
    right = asked = 0
    kinds: dict[str, list[int]] = {}
    for case, items in listed.items():
        page = cases / f"{case}.html"
        article = extract_article(read_local_page(page), "")
        for item in items:
            started = time.perf_counter()
            answer = answer_locally(article, item["q"])
            seconds.append(time.perf_counter() - started)
            ok = correct(answer, item["expect"])
            right += ok
            asked += 1
            tally = kinds.setdefault(item["kind"], [0, 0])
            tally[0] += ok
            tally[1] += 1
            if verbose:
                quoted = " | ".join(f"[{q.n}] {q.text[:90]}" for q in answer.quotes) or answer.text
                print(f"{'ok ' if ok else 'MISS'} {case} :: {item['q']}\n      → {quoted}")
    return right, asked, kinds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--set", choices=sorted(QUESTIONS), action="append")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="the shared folder")
    args = parser.parse_args()
    folders = {"shared": args.shared / "eval/cases", "holdout": ROOT / "eval/cases/holdout"}
    seconds: list[float] = []
    for name in args.set or list(QUESTIONS):
        questions, cases = QUESTIONS[name], folders[name]
        if not cases.is_dir():
            print(f"{name}: {cases} not found, skipped")
            continue
        right, asked, kinds = score(questions, cases, args.verbose, seconds)
        detail = ", ".join(f"{kind} {r}/{n}" for kind, (r, n) in sorted(kinds.items()))
        print(f"{name}: {right}/{asked} = {right / asked:.0%} ({detail})")
    if len(seconds) > 1:
        # the first answer pays for importing bm25s and numpy
        first, rest = seconds[0] * 1000, statistics.median(seconds[1:]) * 1000
        print(f"first answer {first:.0f} ms, then median {rest:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
