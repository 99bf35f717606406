"""Signed checkpoints of the audit trail, to keep outside the database (one a day, by cron).

A checkpoint states the newest entry at the time (id and hash) and how many entries there
were up to it, signed with the current audit key. Kept where a database writer cannot reach
(another host, write-once storage), it proves later that nothing up to that entry was removed,
even by someone who also rewrote the head row: ``manage.py verify_audit_chain --checkpoint``.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from anbiao.core import audit_keys
from anbiao.core.models import AuditEntry, AuditHead

FORMAT = "anbiao-audit-checkpoint/1"
SIGNED = ("format", "date", "created_at", "last_id", "last_hash", "count", "key_id")


class CheckpointError(ValueError):
    """The file is not a checkpoint we signed (message in Chinese)."""


@dataclass(frozen=True)
class Checkpoint:
    format: str
    date: str
    created_at: str
    last_id: int
    last_hash: str
    count: int
    key_id: str
    hmac: str = ""

    def message(self) -> str:
        values = asdict(self)
        return json.dumps({k: values[k] for k in SIGNED}, sort_keys=True, ensure_ascii=False)


def checkpoint_make() -> Checkpoint:
    """A signed checkpoint of the trail as it is now (appends wait while it is taken)."""
    with transaction.atomic():
        AuditHead.objects.select_for_update().filter(pk=1).first()
        last = AuditEntry.objects.order_by("-id").only("id", "hash").first()
        last_id = last.pk if last is not None else 0
        count = AuditEntry.objects.filter(id__lte=last_id).count()
    now = timezone.localtime()
    unsigned = Checkpoint(
        format=FORMAT,
        date=now.date().isoformat(),
        created_at=now.isoformat(timespec="seconds"),
        last_id=last_id,
        last_hash=last.hash if last is not None else "0" * 64,
        count=count,
        key_id=audit_keys.current_key_id(),
    )
    signature = audit_keys.sign(unsigned.message(), key_id=unsigned.key_id)
    return Checkpoint(**{**asdict(unsigned), "hmac": signature})


def checkpoint_write(cp: Checkpoint, directory: Path) -> Path:
    """Write ``audit-checkpoint-<date>.json``; a later one the same day gets a number too.

    An existing file is never overwritten: a checkpoint is evidence.
    """
    directory.mkdir(parents=True, exist_ok=True)
    text = json.dumps(asdict(cp), ensure_ascii=False, indent=2) + "\n"
    for n in range(1, 10_000):
        path = directory / f"audit-checkpoint-{cp.date}{'' if n == 1 else f'-{n}'}.json"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        return path
    raise CheckpointError(f"{directory} 中当日的检查点文件过多。")


def checkpoint_read(path: Path) -> Checkpoint:
    """Read and check the signature of a checkpoint file; ``CheckpointError`` if it fails."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        cp = Checkpoint(
            format=str(raw["format"]),
            date=str(raw["date"]),
            created_at=str(raw["created_at"]),
            last_id=int(raw["last_id"]),
            last_hash=str(raw["last_hash"]),
            count=int(raw["count"]),
            key_id=str(raw["key_id"]),
            hmac=str(raw["hmac"]),
        )
    except OSError as exc:
        raise CheckpointError(f"无法读取检查点文件 {path}：{exc.strerror or exc}。") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(f"{path} 不是审计日志检查点文件（格式不符）。") from exc
    if cp.format != FORMAT:
        raise CheckpointError(f"{path} 不是审计日志检查点文件（格式 {cp.format}）。")
    try:
        valid = audit_keys.matches(cp.message(), cp.hmac, key_id=cp.key_id)
    except audit_keys.UnknownKey as exc:
        raise CheckpointError(
            f"检查点 {path} 由密钥“{cp.key_id}”签名，但该密钥未配置（AUDIT_HMAC_KEYS）。"
        ) from exc
    if not valid:
        raise CheckpointError(f"检查点 {path} 的签名无效：文件被改动，或不是用本平台的密钥签名的。")
    return cp
