"""The legal knowledge base: topic files in `bot/knowledge/*.yaml`, loaded and validated.

`load_topics()` is what the bot uses: every topic that passes the schema checks (a broken
file is logged and skipped, never shown). `read_topics()` also returns the problems, for
`footnote legal check`.
"""

from __future__ import annotations

import calendar
import hashlib
import logging
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.legal.disk_cache import cache_dir, read_cached, write_cached

log = logging.getLogger(__name__)
CACHE_FORMAT = 1  # bump when the cached shape changes

US_STATES = frozenset(
    (
        "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware",
        "District of Columbia", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa",
        "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota",
        "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey",
        "New Mexico", "New York", "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon",
        "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah",
        "Vermont", "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming",
    )
)  # fmt: skip
US_FEDERAL = "US federal"
US_STATE_VARIES = "US state law varies"
UK = "UK"
MAX_ONE_LINE_WORDS = 30
MAX_EXPLANATION_WORDS = 120
REVIEWED = re.compile(r"20\d\d-(?:0[1-9]|1[0-2])")


class Authority(BaseModel):
    """One verified citation of a topic, with an optional plain-words caution (e.g. later vacated).

    The note is a whole sentence naming the authority in words; it is shown apart from the citation.
    """

    model_config = ConfigDict(extra="forbid")

    citation: str
    note: str | None = None


class Topic(BaseModel):
    """One legal topic a story can be tied to."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    jurisdiction: str
    area: str = ""
    triggers: list[str] = Field(default_factory=list)
    one_line: str = ""
    explanation: str = ""
    often_wrong: list[str] = Field(default_factory=list)
    authorities: list[Authority] = Field(default_factory=list)
    reviewed: str = ""  # YYYY-MM: when the law was last checked against the registry
    status: Literal["settled", "changing"] | None = None
    # Whose proceedings the rule is about: a federal-only rule (Congress impeaches, the Bail Reform
    # Act) never fits a state case, a state-level topic never a federal one; "any" fits both.
    government: Literal["federal", "state", "any"] = "any"
    # Triggers that are ordinary words as often as legal ones ("verdict", "platform", "shield law"):
    # they count only beside another of the topic's triggers, a second sign the story is about it.
    ambiguous: list[str] = Field(default_factory=list)

    @property
    def is_uk(self) -> bool:
        """True for topics of UK law."""
        return self.jurisdiction == UK

    def as_of(self) -> str:
        """The "As of December 2026: " prefix for a topic whose law is changing, else an empty string."""
        if self.status != "changing" or not REVIEWED.fullmatch(self.reviewed):
            return ""
        year, month = self.reviewed.split("-")
        return f"As of {calendar.month_name[int(month)]} {year}: "

    def cautions(self) -> list[str]:
        """The plain-words notes about this topic's authorities."""
        return [a.note for a in self.authorities if a.note]


def knowledge_dir() -> Path:
    """The bundled topic folder, `bot/knowledge/`."""
    return Path(str(resources.files("bot") / "knowledge"))


def topic_problems(topic: Topic) -> list[str]:
    """What is wrong with one topic's content, one line each (empty when it is fine)."""
    problems = []
    if topic.jurisdiction not in (US_FEDERAL, US_STATE_VARIES, UK) and topic.jurisdiction not in US_STATES:
        allowed = f"'{US_FEDERAL}', '{US_STATE_VARIES}', '{UK}' or a US state"
        problems.append(f"jurisdiction {topic.jurisdiction!r} is not {allowed}")
    if not topic.title.strip():
        problems.append("title is empty")
    if not topic.triggers:
        problems.append("no triggers")
    for trigger in topic.triggers:
        if not trigger.strip() or trigger != trigger.lower():
            problems.append(f"trigger {trigger!r} must be a non-empty lowercase phrase")
    if len(set(topic.triggers)) != len(topic.triggers):
        problems.append("triggers repeat")
    for field, limit in (("one_line", MAX_ONE_LINE_WORDS), ("explanation", MAX_EXPLANATION_WORDS)):
        words = len(getattr(topic, field).split())
        if words == 0:
            problems.append(f"{field} is empty")
        elif words > limit:
            problems.append(f"{field} has {words} words (at most {limit})")
    if not 1 <= len(topic.often_wrong) <= 3:
        problems.append(f"often_wrong has {len(topic.often_wrong)} lines (1 to 3)")
    if not 1 <= len(topic.authorities) <= 4:
        problems.append(f"{len(topic.authorities)} authorities (1 to 4)")
    if not REVIEWED.fullmatch(topic.reviewed):
        problems.append(f"reviewed {topic.reviewed!r} is not a month written YYYY-MM")
    if topic.status is None:
        problems.append("status is missing (settled or changing)")
    for trigger in topic.ambiguous:
        if trigger not in topic.triggers:
            problems.append(f"ambiguous trigger {trigger!r} is not one of the triggers")
    if topic.ambiguous and set(topic.ambiguous) >= set(topic.triggers):
        problems.append("every trigger is ambiguous: nothing could ever be the second sign")
    return problems


def read_topics(folder: Path) -> tuple[list[Topic], list[str]]:
    """The valid topics of a folder, and one line per problem found (file name first)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when PyYAML has it: 10× faster
    topics: list[Topic] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    files = sorted(folder.glob("*.yaml"))
    if not files:
        problems.append(f"{folder}: no topic files (*.yaml)")
    for path in files:
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
            topic = Topic.model_validate(data)
        except (OSError, yaml.YAMLError) as exc:
            problems.append(f"{path.name}: cannot read: {str(exc).splitlines()[0]}")
            continue
        except ValidationError as exc:
            problems += [
                f"{path.name}: {'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}" for e in exc.errors()
            ]
            continue
        found = topic_problems(topic)
        if topic.id != path.stem:
            found.append(f"id {topic.id!r} differs from the file name")
        if topic.id in seen:
            found.append(f"id {topic.id!r} is also used by {seen[topic.id]}")
        seen.setdefault(topic.id, path.name)
        problems += [f"{path.name}: {p}" for p in found]
        if not found:
            topics.append(topic)
    return topics, problems


def topics_digest(folder: Path) -> str:
    """What the parsed topics depend on: every topic file, this module (the schema and checks), the format."""
    h = hashlib.sha256(f"topics {CACHE_FORMAT}\n".encode())
    h.update(Path(__file__).read_bytes())
    for path in sorted(folder.glob("*.yaml")):
        h.update(b"\0" + path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _cached_topics(path: Path, digest: str) -> list[Topic] | None:
    stored = read_cached(path, digest)
    if stored is None:
        return None
    try:
        return [Topic.model_validate(topic) for topic in stored["topics"]]
    except (KeyError, TypeError, ValidationError) as exc:
        log.info("topic cache %s unusable (%s); rebuilding", path, exc)
        return None


@cache
def load_topics() -> list[Topic]:
    """Every valid topic of the bundled knowledge base (problems are logged, not raised).

    Parsing the YAML costs a good part of a command's start, so a knowledge base without problems is
    kept as JSON in the user's cache, under a digest of its files and of this module.
    """
    folder = knowledge_dir()
    digest = topics_digest(folder)
    path = cache_dir() / f"topics-{digest[:24]}.json"
    cached = _cached_topics(path, digest)
    if cached is not None:
        return cached
    topics, problems = read_topics(folder)
    for problem in problems:
        log.error("knowledge base: %s (topic skipped; run `footnote legal check`)", problem)
    if not problems:  # a broken file is reported on every start until it is fixed
        write_cached(path, digest, {"topics": [topic.model_dump(mode="json") for topic in topics]})
    return topics
