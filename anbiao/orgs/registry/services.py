"""Registry import: keep the uploaded file, preview it, and write it on confirmation.

The uploaded file stays on the server (under MEDIA_ROOT, named by a random token that only
the uploader's session knows) between preview and confirm, with its cells as parsed at upload.
Confirmation checks the file's sha256, takes those cells and validates them again against the
database inside the writing transaction: the preview is never trusted, and if what would be
written differs from what the user saw, nothing is written. All accepted rows are written in
ONE transaction, or none; one audit entry records the import.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from anbiao.core.audit import log_action
from anbiao.core.uploads import safe_display_name, sniff
from anbiao.orgs.models import Enterprise, Organization, OrgKind
from anbiao.orgs.registry.header import Header, find_header, missing_message
from anbiao.orgs.registry.mapping import saved_mapping
from anbiao.orgs.registry.reader import RegistryFileError, Table, read_table
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


class ColumnsMissing(RegistryFileError):
    """Required columns are not recognized: the user maps them on the mapping page."""

    def __init__(self, header: Header) -> None:
        super().__init__(missing_message(header))
        self.header = header


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
    """Read and validate a registry file for ``user``; writes nothing. Raises RegistryFileError
    (ColumnsMissing when a required column must be mapped first)."""
    return _plan(user=user, table=read_table(data))


def registry_header(*, user: User, pending: PendingImport) -> Header:
    """The kept upload's header as the user's unit reads it (its saved column mapping applied)."""
    return find_header(_table(pending), saved_mapping(user=user))


def _plan(*, user: User, table: Table) -> ImportPlan:
    header = find_header(table, saved_mapping(user=user))
    if header.missing_required():
        raise ColumnsMissing(header)
    return plan_import(table=table, header=header, user=user)


def registry_preview(*, user: User, pending: PendingImport) -> ImportPlan:
    """The preview of a kept upload, validated against the database as it is now."""
    return _plan(user=user, table=_table(pending))


class _Builder:
    """New instances of a model from a dict of values, the rest at their defaults.

    Passes the values positionally in field order, the quick path of ``Model.__init__``
    (keyword arguments cost several times more, 20,000 times per 10,000-row import); the
    defaults are taken once per import, the primary key (a fresh UUID) once per instance.
    """

    def __init__(self, model: type[Any], now: Any) -> None:
        self.model = model
        fields = model._meta.concrete_fields
        self.names = [f.attname for f in fields]
        self.defaults = {
            f.attname: now
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else f.get_default()
            for f in fields
            if not f.primary_key or not callable(f.default)
        }
        self.pk = next(f for f in fields if f.primary_key)

    def __call__(self, values: dict[str, Any]) -> Any:
        full = self.defaults | values
        if self.pk.attname not in full:
            full[self.pk.attname] = self.pk.get_default()
        return self.model(*[full[name] for name in self.names])


def _write(*, rows: list[PlannedRow]) -> tuple[int, int]:
    """Bulk writes through the ORM (``bulk_create`` / ``bulk_update`` in batches), no query
    per row; returns (created, updated).

    Every value was validated by ``plan_import`` just before (the form's rules, then the model
    fields' own validation); foreign keys come from the lists the form offers and uniqueness was
    decided against the loaded records. The database's unique constraint on the credit code
    stays the last guard.
    """
    now = timezone.now()
    new_org, new_enterprise = _Builder(Organization, now), _Builder(Enterprise, now)
    orgs: list[Organization] = []
    enterprises: list[Enterprise] = []
    renamed: list[Organization] = []
    # bulk_update writes the same fields for every object of a call: group rows by what changes.
    groups: dict[tuple[str, ...], list[Enterprise]] = {}
    for row in rows:
        v = row.values
        if row.action == CREATE:
            org = new_org(
                {"kind": OrgKind.ENTERPRISE.value, "name": v["name"], "code": row.credit_code}
            )
            orgs.append(org)
            enterprises.append(
                new_enterprise(
                    {
                        "organization_id": org.pk,
                        "credit_code": row.credit_code,
                        "credit_code_checked": row.checksum_issue is None,
                        "principal": v.get("principal", ""),
                        "phone": v.get("phone", ""),
                        "address": v.get("address", ""),
                        "town_id": v["town_id"],
                        "department_id": v["department_id"],
                        "industry": v["industry"],
                        "size_class": str(v["size_class"]),
                    }
                )
            )
        elif row.action == UPDATE:
            fields = tuple(f for f in row.changed_fields if f != "name")
            if "name" in row.changed_fields:
                renamed.append(Organization(pk=row.existing_pk, name=v["name"], updated_at=now))
            enterprise = Enterprise(organization_id=row.existing_pk, updated_at=now)
            for f in fields:
                setattr(enterprise, f, v[f])
            groups.setdefault(fields, []).append(enterprise)
    Organization.objects.bulk_create(orgs, batch_size=BATCH)
    Enterprise.objects.bulk_create(enterprises, batch_size=BATCH)
    if renamed:
        Organization.objects.bulk_update(renamed, ["name", "updated_at"], batch_size=BATCH)
    for fields, objs in groups.items():
        Enterprise.objects.bulk_update(objs, [*fields, "updated_at"], batch_size=BATCH)
    # the look-backs and reports of the enterprises that moved follow them (one UPDATE per table)
    moved = [
        o.organization_id
        for fields, objs in groups.items()
        if {"department_id", "town_id"} & set(fields)
        for o in objs
    ]
    if moved:
        from anbiao.orgs.scope import restamp

        restamp(organization_ids=moved)
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
        with transaction.atomic():
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
