"""Verifying the audit trail: every link, every entry's keyed hash, the head, and checkpoints.

What each check catches (someone with write access to the database, triggers disabled):

- an entry changed, or the whole chain recomputed without the key: its HMAC does not match;
- an entry inserted or removed in the middle: the next entry's ``prev_hash`` does not match;
- the newest entries removed: the head (``AuditHead``) names a hash no entry has;
- the newest entries removed *and* the head rewritten: only a checkpoint kept outside the
  database tells (:mod:`anbiao.core.audit_checkpoint`), for the entries it covers;
- an entry passed off as written before the chain was keyed: only the first
  ``AUDIT_UNKEYED_UNTIL`` entries may be unkeyed.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from anbiao.core.audit import GENESIS, entry_hash
from anbiao.core.audit_checkpoint import Checkpoint
from anbiao.core.audit_keys import UnknownKey
from anbiao.core.models import AuditEntry, AuditHead


@dataclass
class ChainReport:
    """The outcome: ``problem`` is "" when everything holds, else the first problem found."""

    checked: int = 0
    unkeyed: int = 0
    broken: AuditEntry | None = None
    problem: str = ""
    last: AuditEntry | None = None
    checkpoints: list[Checkpoint] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problem


def _when(entry: AuditEntry) -> str:
    return timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M:%S")


def _entry_problem(entry: AuditEntry, prev: str, *, keyed_before: bool) -> str:
    where = f"编号 {entry.pk}（时间 {_when(entry)}）"
    if not entry.key_id and (keyed_before or entry.pk > settings.AUDIT_UNKEYED_UNTIL):
        return (
            f"{where}没有密钥签名，但它不在密钥启用之前写入的范围内"
            f"（AUDIT_UNKEYED_UNTIL={settings.AUDIT_UNKEYED_UNTIL}）：该条是伪造或被改动的。"
        )
    if not hmac.compare_digest(entry.prev_hash, prev):
        return f"{where}记录的上一条哈希与上一条日志不符：其前的日志被删除、插入或改动。"
    try:
        expected = entry_hash(entry)
    except UnknownKey:
        return (
            f"{where}由密钥“{entry.key_id}”签名，但该密钥未配置："
            "轮换密钥后旧密钥须保留在 AUDIT_HMAC_KEYS 中。"
        )
    if not hmac.compare_digest(expected, entry.hash):
        return f"{where}的内容与其哈希不符：该条被改动，或哈希被不持有密钥的人重算。"
    return ""


def _head_problem(last: AuditEntry | None) -> str:
    head = AuditHead.objects.filter(pk=1).first()
    head_hash = head.last_hash if head is not None else GENESIS
    if last is None:
        if head_hash != GENESIS:
            return "审计日志为空，但链头记录表明曾有日志：日志全部被删除。"
        return ""
    if not hmac.compare_digest(head_hash, last.hash):
        return (
            f"最新一条日志（编号 {last.pk}，时间 {_when(last)}）与链头记录不符："
            "末尾的日志被删除，或链头被改动。"
        )
    return ""


def _checkpoint_problem(cp: Checkpoint, *, found: AuditEntry | None, count: int) -> str:
    where = f"检查点（{cp.date}）记录的最后一条编号 {cp.last_id}"
    if found is None:
        return f"{where}在数据库中已不存在：检查点之前或当时的日志被删除。"
    if not hmac.compare_digest(found.hash, cp.last_hash):
        return f"{where}的哈希已改变：检查点之前的日志被改动后重算。"
    if count != cp.count:
        return (
            f"检查点（{cp.date}）时编号不大于 {cp.last_id} 的日志共 {cp.count} 条，"
            f"现在为 {count} 条：其间的日志被删除或插入。"
        )
    return ""


def check_chain(*, checkpoints: Iterable[Checkpoint] = ()) -> ChainReport:
    """Walk the whole trail in order; stop at the first problem (see the module docstring)."""
    report = ChainReport(checkpoints=list(checkpoints))
    watched = {cp.last_id: cp for cp in report.checkpoints}
    found: dict[int, AuditEntry] = {}
    counts = dict.fromkeys(watched, 0)
    prev, keyed = GENESIS, False
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        problem = _entry_problem(entry, prev, keyed_before=keyed)
        if problem:
            report.broken, report.problem = entry, problem
            return report
        keyed = keyed or bool(entry.key_id)
        report.unkeyed += not entry.key_id
        report.checked += 1
        report.last = entry
        prev = entry.hash
        for last_id in counts:
            counts[last_id] += entry.pk <= last_id
        if entry.pk in watched:
            found[entry.pk] = entry
    report.problem = _head_problem(report.last)
    for cp in report.checkpoints:
        if report.problem:
            break
        report.problem = _checkpoint_problem(
            cp, found=found.get(cp.last_id), count=counts[cp.last_id]
        )
    return report
