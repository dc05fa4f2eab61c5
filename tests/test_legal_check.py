"""`footnote legal check`: topics must be reviewed, current with the registry, and well formed."""

import shutil
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from bot.legal.check import check_knowledge, stale_topics
from bot.legal.knowledge import read_topics

FIXTURES = Path(__file__).parent / "fixtures" / "legal"
GOOD = FIXTURES / "kb_good"
REGISTRY = """
topics:
  - id: tariffs
    triggers: [ieepa, tariffs]
    authorities:
      - {citation: "U.S. Const. amend. X", verified: true}
      - {citation: "Learning Resources, Inc. v. Trump, 607 U.S. ___ (2026)", verified: true}
      - {citation: "Printz v. United States, 521 U.S. 898 (1997)", verified: true}
      - {citation: "Trump v. Slaughter, No. 25-332 (U.S. June 29, 2026)", verified: false}
"""
TOPIC = """id: tariffs
title: Emergency tariffs
jurisdiction: US federal
reviewed: '{reviewed}'
status: changing
triggers: [ieepa, emergency tariffs]
one_line: The President can use emergency economic powers after declaring a national emergency.
explanation: "{explanation}"
often_wrong: [An emergency is not a blank cheque.]
authorities:
  - citation: U.S. Const. amend. X
"""


def _kb(tmp_path: Path, explanation: str, reviewed: str = "2026-12") -> tuple[Path, Path]:
    folder = tmp_path / "kb"
    shutil.copytree(GOOD, folder)
    (folder / "tariffs.yaml").write_text(TOPIC.format(explanation=explanation, reviewed=reviewed))
    registry = tmp_path / "registry.yaml"
    registry.write_text(REGISTRY)
    return folder, registry


@pytest.mark.parametrize(
    "explanation",
    [
        "Importers sued. The Supreme Court took up the challenge; check the latest ruling.",
        "The challenge in Learning Resources is pending.",
        "Whether the law covers tariffs awaits the Court's decision.",
    ],
)
def test_a_topic_calling_a_decided_case_pending_fails(tmp_path: Path, explanation: str) -> None:
    folder, registry = _kb(tmp_path, explanation)
    _, problems = check_knowledge(folder, registry)
    assert any(
        p.startswith("tariffs.yaml: calls a case pending") and "Learning Resources" in p for p in problems
    ), problems


def test_a_topic_stating_the_decision_passes(tmp_path: Path) -> None:
    folder, registry = _kb(
        tmp_path, "In February 2026 the Supreme Court held that the law does not cover tariffs."
    )
    _, problems = check_knowledge(folder, registry)
    assert not any("pending" in p for p in problems), problems


def test_an_unverified_ruling_does_not_count_as_a_decision(tmp_path: Path) -> None:
    folder, registry = _kb(tmp_path, "Whether Slaughter ends the old rule is pending.")
    _, problems = check_knowledge(folder, registry)
    assert not any("pending" in p for p in problems), problems


def test_topics_not_reviewed_for_a_year_are_warned_about(tmp_path: Path) -> None:
    folder, _ = _kb(tmp_path, "Settled.", reviewed="2025-10")
    topics, _ = read_topics(folder)
    warnings = stale_topics(topics, date(2026, 12, 3))
    assert warnings == ["tariffs.yaml: reviewed 2025-10, 14 months ago: check it against the registry"]
    assert stale_topics(topics, date(2026, 10, 31)) == []  # exactly twelve months is still fine


def test_the_command_prints_warnings_but_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder, _ = _kb(tmp_path, "Settled.", reviewed="2020-01")
    assert main(["legal", "check", "--knowledge", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "warning: tariffs.yaml: reviewed 2020-01" in out and out.strip().endswith("topics: OK")


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("reviewed: '2026-12'", "reviewed: 'Dec 2026'", "reviewed 'Dec 2026' is not a month written YYYY-MM"),
        ("status: changing", "status: unsure", "status"),
        ("status: changing", "", "status is missing"),
        (
            "status: changing",
            "status: changing\nambiguous: [tariff]",
            "ambiguous trigger 'tariff' is not one",
        ),
        (
            "status: changing",
            "status: changing\nambiguous: [ieepa, emergency tariffs]",
            "every trigger is ambiguous",
        ),
    ],
)
def test_review_fields_are_checked(tmp_path: Path, field: str, value: str, problem: str) -> None:
    folder, _ = _kb(tmp_path, "Settled.")
    path = folder / "tariffs.yaml"
    path.write_text(path.read_text().replace(field, value))
    _, problems = check_knowledge(folder)
    assert any(p.startswith("tariffs.yaml") and problem in p for p in problems), problems


def test_the_bundled_knowledge_base_is_reviewed_and_large_enough() -> None:
    from bot.legal.knowledge import load_topics

    topics = load_topics()
    assert len(topics) >= 120
    assert all(t.status in ("settled", "changing") and t.reviewed for t in topics)
    assert stale_topics(topics, date(2026, 12, 3)) == []
