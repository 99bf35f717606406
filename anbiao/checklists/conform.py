"""What 全部设为符合 would change: the clauses of a checklist (or of one of its sections) not yet
answered, for the confirmation page (the write is ``services.answers_mark_conform``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from anbiao.checklists.models import Answer, Checklist, Section


@dataclass(frozen=True)
class Candidate:
    """One unanswered clause: its answer with the version shown, code and text."""

    answer_id: int
    version: int
    code: str
    text: str

    @property
    def token(self) -> str:
        """What the confirmation form posts back: ``<answer id>:<version>``."""
        return f"{self.answer_id}:{self.version}"


@dataclass(frozen=True)
class ConformPlan:
    checklist: Checklist
    section: Section | None  # None: the whole form
    candidates: list[Candidate]

    @property
    def count(self) -> int:
        return len(self.candidates)


def section_at(checklist: Checklist, position: Any) -> Section | None:
    """The checklist's section at ``position`` (as the page links it), or None."""
    try:
        number = int(position)
    except (TypeError, ValueError):
        return None
    return Section.objects.filter(version_id=checklist.template_version_id, position=number).first()


def conform_plan(checklist: Checklist, section: Section | None = None) -> ConformPlan:
    """The clauses still unanswered (and without problem lines), in clause order; one query."""
    answers = (
        Answer.objects.filter(checklist=checklist, result="", problems__isnull=True)
        .select_related("clause__item")
        .order_by("clause__position")
    )
    if section is not None:
        answers = answers.filter(clause__item__section=section)
    candidates = [
        Candidate(a.pk, a.version, a.clause.code, a.clause.text) for a in answers.distinct()
    ]
    return ConformPlan(checklist, section, candidates)


def parse_tokens(values: list[str]) -> dict[int, int] | None:
    """{answer id: version} from the posted tokens; None when one is garbled."""
    out: dict[int, int] = {}
    for value in values:
        pk, _, version = value.partition(":")
        if not (pk.isdigit() and version.isdigit()):
            return None
        out[int(pk)] = int(version)
    return out
