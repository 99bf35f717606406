"""What validating a registry file yields: every row classified, with each problem located."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from anbiao.orgs.registry.header import Header
from anbiao.orgs.registry_columns import COLUMN_BY_KEY

CREATE, UPDATE, SKIP, ERROR = "create", "update", "skip", "error"
ACTION_LABELS = {CREATE: "新增", UPDATE: "更新", SKIP: "跳过", ERROR: "错误"}


@dataclass(slots=True)
class RowIssue:
    """One problem of one row: the column (as the registry names it, and its letter), why, and
    the content of the cell at fault as the file holds it."""

    column_key: str
    letter: str
    message: str
    value: str = ""

    @property
    def column(self) -> str:
        return COLUMN_BY_KEY[self.column_key].header if self.column_key else ""


@dataclass(slots=True)
class PlannedRow:
    row_no: int  # 1-based, as in the file
    values: dict[str, Any] = field(default_factory=dict)  # resolved: town_id, industry…
    display: dict[str, str] = field(default_factory=dict)  # what the preview shows
    cells: dict[str, str] = field(default_factory=dict)  # column key → the cell as written
    present: frozenset[str] = frozenset()  # fields with a value in the file
    issues: list[RowIssue] = field(default_factory=list)
    checksum_issue: RowIssue | None = None
    action: str = ERROR
    reason: str = ""
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (label, old, new)
    changed_fields: list[str] = field(default_factory=list)
    existing_pk: Any = None

    @property
    def credit_code(self) -> str:
        return self.values.get("credit_code", "")

    @property
    def name(self) -> str:
        return self.values.get("name", "")

    @property
    def needs_acceptance(self) -> bool:
        return self.action != ERROR and self.checksum_issue is not None

    @property
    def accept_key(self) -> str:
        return f"{self.row_no}:{self.credit_code}"

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]


@dataclass
class ImportPlan:
    """Every non-blank data row of the file, classified."""

    header: Header
    sheet_name: str
    kind: str
    rows: list[PlannedRow]

    def _of(self, action: str, pending: bool = False) -> list[PlannedRow]:
        return [r for r in self.rows if r.action == action and r.needs_acceptance == pending]

    @property
    def created(self) -> list[PlannedRow]:
        return self._of(CREATE)

    @property
    def updated(self) -> list[PlannedRow]:
        return self._of(UPDATE)

    @property
    def skipped(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.action == SKIP]

    @property
    def pending(self) -> list[PlannedRow]:
        """Rows whose only problem is a failed check digit: imported only if accepted."""
        return [r for r in self.rows if r.needs_acceptance and r.action in (CREATE, UPDATE)]

    @property
    def error_rows(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.action == ERROR]

    @property
    def issues(self) -> list[tuple[int, RowIssue]]:
        return [(r.row_no, i) for r in self.rows for i in r.issues]

    def error_list(self) -> list[tuple[int, RowIssue]]:
        """Every problem of the file in row order, the check digits still to accept included:
        what the downloadable error list holds."""
        found = self.issues + [
            (r.row_no, r.checksum_issue) for r in self.pending if r.checksum_issue is not None
        ]
        return sorted(found, key=lambda item: item[0])

    def to_write(self, accepted: Iterable[str] = ()) -> list[PlannedRow]:
        keys = set(accepted)
        return [
            r
            for r in self.rows
            if r.action in (CREATE, UPDATE) and (not r.needs_acceptance or r.accept_key in keys)
        ]

    def digest(self) -> str:
        """A fingerprint of what the user saw: if it differs at confirm, nothing is written."""
        h = hashlib.sha256(f"{self.header.row_no}|{self.header.signature()}\n".encode())
        for r in self.rows:
            h.update(
                f"{r.row_no}|{r.action}|{r.needs_acceptance}|{r.credit_code}|"
                f"{','.join(r.changed_fields)}\n".encode()
            )
        return h.hexdigest()
