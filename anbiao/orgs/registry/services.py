"""Registry import: keep the uploaded file, preview it, and write it on confirmation.

The uploaded file stays on the server (under MEDIA_ROOT, named by a random token that only
the uploader's session knows) between preview and confirm, with its cells as parsed at upload.
Confirmation checks the file's sha256, takes those cells and validates them again against the
database inside the writing transaction: the preview is never trusted, and if what would be
written differs from what the user saw, nothing is written. All accepted rows are written in
ONE transaction, or none; one audit entry records the import.
"""

from __future__ import annotations

import gc
import hashlib
import json
import operator
import re
import secrets
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone

from anbiao.core.audit import log_action
from anbiao.core.uploads import safe_display_name, sniff
from anbiao.orgs.models import Enterprise, Organization, OrgKind
from anbiao.orgs.registry.reader import RegistryFileError, Table, find_header, read_table
from anbiao.orgs.registry.validate import CREATE, UPDATE, ImportPlan, PlannedRow, plan_import

if TYPE_CHECKING:
    from anbiao.accounts.models import User

UPLOAD_DIR = "registry_imports"
KEEP_SECONDS = 24 * 3600
BATCH = 500
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class PendingImport:
    """What the session remembers between upload, preview and confirm."""

    token: str
    kind: str  # "xlsx" or "csv"
    name: str
    sha256: str
    size: int

    def as_session(self) -> dict[str, Any]:
        return self.__dict__.copy()

    @classmethod
    def from_session(cls, data: Any) -> PendingImport | None:
        if not isinstance(data, dict):
            return None
        try:
            pending = cls(**data)
        except TypeError:
            return None
        if not _TOKEN.match(pending.token) or pending.kind not in ("xlsx", "csv"):
            return None
        return pending


@dataclass
class ImportResult:
    created: int
    updated: int
    skipped: int
    errors: int
    not_accepted: int


class PlanChanged(Exception):
    """The database (or the file) changed since the preview: show the preview again."""


@contextmanager
def _bulk_objects() -> Iterator[None]:
    """Pause the cyclic garbage collector while tens of thousands of small objects (cells,
    rows) are made: they hold no reference cycles, and the collector's repeated passes over
    them cost a third of an import's time. Reference counting still frees everything."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _directory() -> Path:
    path = Path(settings.MEDIA_ROOT) / UPLOAD_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def _path(pending: PendingImport) -> Path:
    return _directory() / f"{pending.token}.{pending.kind}"


def _cache_path(pending: PendingImport) -> Path:
    return _directory() / f"{pending.token}.cells.json"


def _purge_old() -> None:
    cutoff = time.time() - KEEP_SECONDS
    for old in _directory().glob("*.*"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass


def registry_upload_store(*, upload: UploadedFile) -> PendingImport:
    """Check an uploaded registry file (type by content, a header row) and keep it on disk.

    Raises ValidationError with a Chinese message when the file cannot be used.
    """
    limit = settings.ANBIAO_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(f"文件过大（上限 {limit // (1024 * 1024)} MB）。")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(f"文件过大（上限 {limit // (1024 * 1024)} MB）。")
    if not data:
        raise ValidationError("文件为空。")
    if data.startswith(b"PK\x03\x04") and sniff(data) != "xlsx":
        # sniff() refuses macros, zip bombs and unsafe XML; a Word file is not a registry.
        raise ValidationError("只接受 Excel（.xlsx）或 CSV 文件。")
    try:
        with _bulk_objects():
            table = read_table(data)  # .xls, PDFs, images, undecodable text are refused here
        find_header(table)
    except RegistryFileError as exc:
        raise ValidationError(exc.message) from exc
    _purge_old()
    pending = PendingImport(
        token=secrets.token_hex(16),
        kind=table.kind,
        name=safe_display_name(upload.name or "底数台账"),
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )
    _path(pending).write_bytes(data)
    _cache_path(pending).write_text(
        json.dumps(
            {
                "sha256": pending.sha256,
                "sheet_name": table.sheet_name,
                "kind": table.kind,
                "rows": table.rows,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ),
        encoding="utf-8",
    )
    return pending


def registry_upload_discard(*, pending: PendingImport) -> None:
    _path(pending).unlink(missing_ok=True)
    _cache_path(pending).unlink(missing_ok=True)


def _table(pending: PendingImport) -> Table:
    """The kept file's cells: checked against the file's sha256 first.

    The cells parsed at upload are kept next to the file (JSON, server-side, never sent to the
    browser), so preview and confirm do not parse the workbook again; the validation against
    the database is redone every time. Without the parsed cells the file is read again.
    """
    try:
        data = _path(pending).read_bytes()
    except FileNotFoundError as exc:
        raise RegistryFileError("上传的文件已过期或不存在，请重新上传。") from exc
    if hashlib.sha256(data).hexdigest() != pending.sha256:
        raise RegistryFileError("上传的文件已变化，请重新上传。")
    try:
        cached = json.loads(_cache_path(pending).read_text(encoding="utf-8"))
        if cached["sha256"] == pending.sha256:
            return Table(rows=cached["rows"], sheet_name=cached["sheet_name"], kind=cached["kind"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return read_table(data)


def registry_plan(*, user: User, data: bytes) -> ImportPlan:
    """Read and validate a registry file for ``user``; writes nothing. Raises RegistryFileError."""
    return _plan(user=user, table=read_table(data))


def _plan(*, user: User, table: Table) -> ImportPlan:
    return plan_import(table=table, header=find_header(table), user=user)


def registry_preview(*, user: User, pending: PendingImport) -> ImportPlan:
    """The preview of a kept upload, validated against the database as it is now."""
    with _bulk_objects():
        return _plan(user=user, table=_table(pending))


_PLAIN_TYPES = {
    "CharField",
    "TextField",
    "BooleanField",
    "IntegerField",
    "SmallIntegerField",
    "PositiveSmallIntegerField",
    "PositiveIntegerField",
}


def _converter(f: Any) -> Any:
    """How a column's Python values become database values (None: as they are)."""
    if f.get_internal_type() in _PLAIN_TYPES:
        return None
    target = f.target_field if f.is_relation else f
    if target.get_internal_type() == "UUIDField":
        if connection.features.has_native_uuid_field:
            return None
        return lambda value: value.hex if isinstance(value, uuid.UUID) else value
    memo: dict[Any, Any] = {}  # e.g. the one timestamp of the import, converted once

    def convert(value: Any) -> Any:
        try:
            return memo[value]
        except KeyError:
            memo[value] = converted = f.get_db_prep_save(value, connection)
            return converted

    return convert


def _insert(model: type[Model], rows: list[dict[str, Any]]) -> None:
    """INSERT many rows with one prepared statement (``executemany``), batch by batch.

    ``bulk_create`` spends most of a 10,000-row import compiling SQL value by value; here
    each column's database conversion is chosen once, and fields a row does not name get the
    model default. Uses the same connection and transaction as the ORM.
    """
    if not rows:
        return
    fields = list(model._meta.concrete_fields)
    names = [f.attname for f in fields]
    # A missing required value stays None and the database refuses it (NOT NULL).
    defaults = {f.attname: f.get_default() for f in fields}
    converters = [(f.attname, c) for f in fields if (c := _converter(f)) is not None]
    pick = operator.itemgetter(*names)
    quote = connection.ops.quote_name
    # Only model metadata (quoted table and column names) goes into the SQL; values are bound.
    insert = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(n) for n in names)}) VALUES "  # noqa: S608
    )
    one_row = f"({', '.join(['%s'] * len(names))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH * 4):
            params = []
            for row in rows[start : start + BATCH * 4]:
                full = defaults | row
                for name, convert in converters:
                    full[name] = convert(full[name])
                params.append(pick(full))
            # SQLite runs executemany() in C, psycopg in pipeline mode: both beat multi-row
            # VALUES statements here (measured).
            cursor.executemany(insert + one_row, params)


def _write(*, rows: list[PlannedRow]) -> tuple[int, int]:
    """Bulk writes, no query per row; returns (created, updated).

    Validation already enforced lengths, choices and scope, so ``full_clean()`` per object
    (three foreign-key queries and a uniqueness query each) is skipped on purpose; the database's
    unique constraint on the credit code stays the last guard.
    """
    now = timezone.now()
    orgs: list[dict[str, Any]] = []
    enterprises: list[dict[str, Any]] = []
    renamed: list[Organization] = []
    # bulk_update writes the same fields for every object of a call: group rows by what changes.
    groups: dict[tuple[str, ...], list[Enterprise]] = {}
    for row in rows:
        v = row.values
        if row.action == CREATE:
            pk = uuid.uuid4()
            orgs.append(
                {
                    "id": pk,
                    "kind": OrgKind.ENTERPRISE.value,
                    "name": v["name"],
                    "code": v["credit_code"],
                    "created_at": now,
                    "updated_at": now,
                }
            )
            enterprises.append(
                {
                    "organization_id": pk,
                    "credit_code": v["credit_code"],
                    "credit_code_checked": row.checksum_issue is None,
                    "principal": v.get("principal", ""),
                    "phone": v.get("phone", ""),
                    "address": v.get("address", ""),
                    "town_id": v["town_id"],
                    "department_id": v["department_id"],
                    "industry": v["industry"],
                    "size_class": str(v["size_class"]),
                    "updated_at": now,
                }
            )
        elif row.action == UPDATE:
            fields = tuple(f for f in row.changed_fields if f != "name")
            if "name" in row.changed_fields:
                renamed.append(Organization(pk=row.existing_pk, name=v["name"], updated_at=now))
            enterprise = Enterprise(organization_id=row.existing_pk, updated_at=now)
            for f in fields:
                setattr(enterprise, f, v[f])
            groups.setdefault(fields, []).append(enterprise)
    _insert(Organization, orgs)
    _insert(Enterprise, enterprises)
    if renamed:
        Organization.objects.bulk_update(renamed, ["name", "updated_at"], batch_size=BATCH)
    for fields, objs in groups.items():
        Enterprise.objects.bulk_update(objs, [*fields, "updated_at"], batch_size=BATCH)
    # the look-backs and reports of the enterprises that moved follow them (one UPDATE per table)
    moved = [
        o.organization_id
        for fields, objs in groups.items()
        if {"department_id", "town_id", "department", "town"} & set(fields)
        for o in objs
    ]
    if moved:
        from anbiao.stats.scope import stat_scope_follow

        stat_scope_follow(organization_ids=moved)
    return len(enterprises), sum(len(objs) for objs in groups.values())


def registry_import_confirm(
    *,
    user: User,
    pending: PendingImport,
    accepted: list[str],
    digest: str,
    request: Any = None,
) -> ImportResult:
    """Validate the kept file again, then write every accepted row in one transaction.

    ``accepted`` holds the keys ("row:code") of rows whose credit-code check digit failed and
    that the user chose to accept. Raises PlanChanged when the plan differs from the preview
    the user confirmed (``digest``), RegistryFileError when the file cannot be read.
    """
    try:
        with _bulk_objects(), transaction.atomic():
            table = _table(pending)
            plan = _plan(user=user, table=table)
            if plan.digest() != digest:
                raise PlanChanged
            rows = plan.to_write(accepted)
            created, updated = _write(rows=rows)
            not_accepted = len(plan.pending) - sum(1 for r in rows if r.needs_acceptance)
            result = ImportResult(
                created=created,
                updated=updated,
                skipped=len(plan.skipped),
                errors=len(plan.error_rows),
                not_accepted=not_accepted,
            )
            log_action(
                user.organization,
                "anbiao.registry.imported",
                user=user,
                request=request,
                data={
                    "file": pending.name,
                    "sha256": pending.sha256,
                    "created": result.created,
                    "updated": result.updated,
                    "skipped": result.skipped,
                    "errors": result.errors,
                    "not_accepted": result.not_accepted,
                    "accepted_bad_checksum": sorted(
                        r.credit_code for r in rows if r.needs_acceptance
                    ),
                    "created_codes": [r.credit_code for r in rows if r.action == CREATE],
                    "updated_codes": {
                        r.credit_code: r.changed_fields for r in rows if r.action == UPDATE
                    },
                },
            )
    except IntegrityError as exc:
        raise PlanChanged from exc
    registry_upload_discard(pending=pending)
    return result
