"""The compact read-only rows of the fill page as plain data, read with two SQL queries.

The fill page lists every clause (51 in 附件2). Reading model instances with prefetches cost
more than the rest of the page put together, so each row is built here from plain tuples:
clause text, answer, saved state, the problem lines with the state of the rectification
problem each one is tracked as, remarks, evidence and linked work records. The HTML is the
``row`` partial of ``checklists/checklist.html`` (URLs built there from the page's prefixes,
see ``test_the_row_urls_equal_the_named_routes``); the full edit form of a clause is its
``clause`` partial, fetched by htmx when the user opens the clause.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from django.db import connection
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from anbiao.checklists.models import AnswerEvidence, AnswerResult, ProblemLine

if TYPE_CHECKING:
    from anbiao.checklists.models import Checklist

RESULT_LABELS = dict(AnswerResult.choices)


@dataclass(frozen=True)
class ClauseInfo:
    """A clause of a template version with its item and section: the same for every checklist
    of that version (a version never changes once loaded)."""

    clause_id: int
    clause_number: int
    clause_text: str
    item_id: int
    item_number: int
    item_text: str
    section_id: int
    section_position: int
    section_title: str
    clause_position: int


@dataclass(frozen=True)
class RowProblem:
    """A problem line: its text and the rectification problem it is tracked as (if any)."""

    text: str
    problem_id: str = ""  # "" : not (yet) tracked
    status: str = ""
    status_label: str = ""


@dataclass(frozen=True)
class RowFile:
    """An evidence file of a clause."""

    id: int
    name: str
    size: int


@dataclass(frozen=True)
class RecordLink:
    """A work record linked to a clause as evidence."""

    url: str
    label: str


@dataclass
class Row:
    """One clause of the page with what its row shows."""

    info: ClauseInfo
    answer_id: int
    result: str
    remarks: str
    version: int
    updated_at: Any
    updated_by: str
    problems: list[RowProblem] = field(default_factory=list)
    evidence: list[RowFile] = field(default_factory=list)
    records: list[tuple[str, str]] = field(default_factory=list)  # linked work records: url, label
    notice_clause: bool = False  # 附件2 item 1 clauses (1) and (2): the notices box
    notices: list[Any] = field(default_factory=list)  # selectors.NoticeSuggestion
    previous: Any = None  # last campaign's answer (dashboards.compare), or None
    previous_closed: int = 0  # how many of its problems were closed (已销号)
    record_links: list[RecordLink] = field(default_factory=list)

    editing = False  # a row, not a clause form open in place (fill_page.EditPart)

    clause_id = property(lambda self: self.info.clause_id)
    clause_number = property(lambda self: self.info.clause_number)
    clause_text = property(lambda self: self.info.clause_text)
    item_id = property(lambda self: self.info.item_id)
    item_number = property(lambda self: self.info.item_number)
    item_text = property(lambda self: self.info.item_text)
    section_id = property(lambda self: self.info.section_id)
    section_position = property(lambda self: self.info.section_position)
    section_title = property(lambda self: self.info.section_title)
    clause_position = property(lambda self: self.info.clause_position)

    # What the row partial prints, computed once here as plain strings (a template lookup of a
    # field is cheaper than of a property, and the page renders 51 rows).
    cid: str = field(init=False)  # the clause id as text (ids and URLs: not localized)
    number: str = field(init=False)
    anchor: str = field(init=False)  # "#c<clause id>"
    edit_href: str = field(init=False)  # the no-JavaScript link opening the form in place
    edit_url: str = ""  # the htmx URL of the clause's form (fill_page sets it from the prefix)
    result_label: str = field(init=False)
    result_class: str = field(init=False)
    open_class: str = field(init=False)  # " is-open" while unanswered
    edit_label: str = field(init=False)  # 填写 / 修改
    saved_text: str = field(init=False)

    def __post_init__(self) -> None:
        info = self.info
        self.cid = cid = str(info.clause_id)
        self.number = str(info.clause_number)
        self.anchor = f"#c{cid}"
        self.edit_href = f"?edit={cid}#c{cid}"
        self.result_label = RESULT_LABELS.get(self.result, "未填写")
        self.result_class = f"result-{self.result}" if self.result else "tag-warn"
        self.open_class = "" if self.result else " is-open"
        self.edit_label = "修改" if self.result else "填写"
        self.saved_text = saved_text(self.updated_at, self.updated_by)

    @property
    def text(self) -> str:
        return f"（{self.clause_number}）{self.clause_text}"

    @property
    def has_details(self) -> bool:
        """Whether the unfolded row shows more than the text and the saved time."""
        return bool(self.problems or self.remarks or self.evidence or self.has_extras)

    @property
    def has_extras(self) -> bool:
        """Whether it shows what other apps contribute: notices, last campaign, work records."""
        return bool(self.notice_clause or self.previous or self.record_links)


def _sql(*, one_clause: bool, probes: tuple[str, ...] = ()) -> tuple[str, str, str]:
    """The queries of :func:`read_rows` (answers, their lines, and a template version's
    clauses), with table and column names from the models.

    Plain SQL (portable: PostgreSQL and SQLite) because compiling the equivalent ORM queries
    cost more CPU than the rest of the page's own work; the page is measured by
    ``bench/checklist_page.py``.

    The answers query also says, once for the page (uncorrelated sub-queries), whether the
    organization has a look-back in an earlier campaign and whether notices were delivered to
    it, so that the page asks for those only when there are some; likewise one column per
    ``probes`` sub-select (hook ``linked_records_probe``: whether work records are linked).

    No parameter is used where its type cannot be inferred (``%s IS NULL``): with server-side
    binding PostgreSQL prepares these statements once per connection (see docs/adr/0003).
    """
    from django.contrib.auth import get_user_model

    from anbiao.campaigns.models import Campaign
    from anbiao.checklists.models import Answer, Checklist, Clause, Item, Section
    from anbiao.core.models import StoredFile
    from anbiao.notices.models import NoticeDelivery
    from anbiao.rectification.models import Problem

    t = {
        "a": Answer._meta.db_table,
        "c": Clause._meta.db_table,
        "i": Item._meta.db_table,
        "s": Section._meta.db_table,
        "u": get_user_model()._meta.db_table,
        "p": ProblemLine._meta.db_table,
        "tp": Problem._meta.db_table,
        "tp_line": Problem._meta.get_field("problem_line").column,
        "e": AnswerEvidence._meta.db_table,
        "f": StoredFile._meta.db_table,
        "cl": Checklist._meta.db_table,
        "cm": Campaign._meta.db_table,
        "nd": NoticeDelivery._meta.db_table,
        "nd_ent": NoticeDelivery._meta.get_field("enterprise").column,
        "one": " AND a.clause_id = %s" if one_clause else "",
        "probes": "".join(f", ({probe})" for probe in probes),
    }
    # Only table and column names from the models' metadata are formatted in, never input.
    answers = (  # noqa: S608
        "SELECT a.id, a.clause_id, a.result, a.remarks, a.version, a.updated_at, u.full_name,"
        " u.username,"
        ' (SELECT 1 FROM "{cl}" pcl JOIN "{cm}" pcm ON pcm.id = pcl.campaign_id'
        "   WHERE pcl.organization_id = %s AND pcl.purpose = 'lookback'"
        '   AND pcm.period_start < (SELECT cm.period_start FROM "{cm}" cm WHERE cm.id = %s)'
        "   LIMIT 1),"
        ' (SELECT 1 FROM "{nd}" nd WHERE nd."{nd_ent}" = %s LIMIT 1){probes}'
        ' FROM "{a}" a LEFT JOIN "{u}" u ON u.id = a.updated_by_id'
        " WHERE a.checklist_id = %s{one}"
    ).format(**t)
    structure = (  # noqa: S608
        "SELECT c.id, c.number, c.text, i.id, i.number, i.text, s.id, s.position, s.title,"
        ' c.position FROM "{c}" c JOIN "{i}" i ON i.id = c.item_id'
        ' JOIN "{s}" s ON s.id = i.section_id WHERE c.version_id = %s ORDER BY c.position'
    ).format(**t)
    # kind 0: a problem line (position, text, tracked problem id, its status); 1: an evidence
    # file (id, name, size). Linked work records come from worklog (anbiao.checklists.hooks).
    lines = (  # noqa: S608
        "SELECT 0, p.answer_id, p.position, p.text, CAST(tp.id AS TEXT), tp.status, NULL"
        ' FROM "{p}" p JOIN "{a}" a ON a.id = p.answer_id'
        ' LEFT JOIN "{tp}" tp ON tp."{tp_line}" = p.id'
        " WHERE a.checklist_id = %s{one}"
        " UNION ALL"
        " SELECT 1, e.answer_id, e.id, f.original_name, NULL, NULL, f.size"
        ' FROM "{e}" e JOIN "{a}" a ON a.id = e.answer_id JOIN "{f}" f ON f.id = e.stored_file_id'
        " WHERE a.checklist_id = %s{one}"
        " ORDER BY 1, 2, 3"
    ).format(**t)
    return answers, lines, structure


@dataclass
class Rows:
    """The rows, and whether the page has more to ask for (see :func:`_sql`)."""

    rows: list[Row]
    has_previous: bool = False
    has_notices: bool = False
    has_records: bool = True  # False only when every linked-records probe said none


# (one clause?, the linked-records probes) → the queries, built from the models' metadata
_SQL: dict[tuple[bool, tuple[str, ...]], tuple[str, str, str]] = {}
# (template version id, its file's SHA-256) → {clause id: ClauseInfo}
_STRUCTURE: dict[tuple[Any, str], dict[int, ClauseInfo]] = {}


def forget_structures() -> None:
    """Empty the per-process cache of template versions (tests: their databases reuse ids)."""
    _STRUCTURE.clear()


def _structure(cursor: Any, sql: str, version: Any, clause_ids: list[int]) -> dict[int, ClauseInfo]:
    """The clauses of a template version, read once per process: a version is never changed
    once loaded (a changed data file makes a new version) and its id is never reused, so its
    texts are cached. A clause missing from the entry reads it again."""
    key = (version.pk, version.sha256)
    found = _STRUCTURE.get(key)
    if found is None or any(c not in found for c in clause_ids):
        cursor.execute(sql, [version.pk])
        found = {}
        for cid, number, text, iid, inum, itext, sid, spos, stitle, cpos in cursor.fetchall():
            found[cid] = ClauseInfo(
                cid, number, text, iid, inum, itext, sid, spos, stitle, cpos
            )  # fmt: skip
        _STRUCTURE[key] = found
    return found


def _aware(value: Any) -> Any:
    """``updated_at`` as an aware datetime (SQLite hands back text)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def read_rows(checklist: Checklist, *, clause_id: Any = None) -> Rows:
    """The rows of a checklist (or of one clause) in clause order: two queries, whatever the
    number of clauses, problem lines and files (answers; problem lines UNION ALL evidence),
    and the template version's clauses the first time the process meets that version."""
    from anbiao.checklists import hooks

    one = clause_id is not None
    probes = tuple(provide() for provide in hooks.linked_records_probe.providers())
    key = (one, probes)
    if key not in _SQL:  # built once per process from the models' metadata
        _SQL[key] = _sql(one_clause=one, probes=probes)
    answers_sql, lines_sql, structure_sql = _SQL[key]
    from anbiao.checklists.models import Answer

    pk = prep(Answer, "checklist", checklist.pk)
    org = prep(type(checklist), "organization", checklist.organization_id)
    campaign = prep(type(checklist), "campaign", checklist.campaign_id)
    clause = [int(clause_id)] if one else []
    rows: dict[int, Row] = {}
    found = Rows([])
    with connection.cursor() as cursor:
        cursor.execute(answers_sql, [org, campaign, org, *[pk] * len(probes), pk, *clause])
        answers = cursor.fetchall()
        if not answers:
            return found
        info = _structure(
            cursor, structure_sql, checklist.template_version, [v[1] for v in answers]
        )
        answers.sort(key=lambda v: info[v[1]].clause_position)
        for aid, cid, result, remarks, version, updated, full_name, username, *_ in answers:
            rows[aid] = Row(
                info[cid],
                aid,
                result,
                remarks,
                version,
                _aware(updated),
                full_name or username or "",
            )
        prev, notes, *records = answers[0][8:]
        found.has_previous, found.has_notices = bool(prev), bool(notes)
        found.has_records = not probes or any(records)
        cursor.execute(lines_sql, [pk, *clause] * 2)
        statuses = _status_labels()
        for kind, answer_id, sort, name, ref, status, size in cursor.fetchall():
            if kind == 0:  # a problem line: text, tracked problem id, its status
                if ref:
                    line = RowProblem(name, _uuid_text(ref), status, statuses.get(status, status))
                else:
                    line = RowProblem(name)
                rows[answer_id].problems.append(line)
            else:  # an evidence file: id, name, size
                rows[answer_id].evidence.append(RowFile(sort, name, size or 0))
    found.rows = list(rows.values())
    return found


def prep(model: type[Model], field_name: str, value: Any) -> Any:
    """``value`` as a query parameter for ``model.field_name`` (a foreign key stands for the key
    it points at), prepared as the ORM prepares it for this database."""
    found = model._meta.get_field(field_name)
    target = cast("Field[Any, Any]", getattr(found, "target_field", found))
    return target.get_db_prep_value(target.to_python(value), connection)


def _uuid_text(value: Any) -> str:
    """A UUID read as text, in its canonical form (PostgreSQL gives it so; SQLite stores 32 hex
    digits) — as it appears in URLs, without building a ``uuid.UUID`` per row."""
    text = str(value)
    return text if len(text) == 36 else str(uuid.UUID(text))


@cache
def _labels(choices: Any) -> dict[str, str]:
    return dict(choices.choices)


def _status_labels() -> dict[str, str]:
    from anbiao.rectification.models import ProblemStatus

    return _labels(ProblemStatus)


def saved_text(updated_at: Any, updated_by: str) -> str:
    if not updated_at:
        return ""
    when = timezone.localtime(updated_at).strftime("%H:%M")
    return f"已保存 {when}（{updated_by}）" if updated_by else f"已保存 {when}"
