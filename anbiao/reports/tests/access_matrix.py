"""Access cases of the 自查自纠报告 (and, until the checklists app imports them, the exports)."""

from __future__ import annotations

from anbiao.checklists.exports.tests.access_matrix import CASES as EXPORT_CASES
from anbiao.core.tests.matrix import Case

REPORT_CASES: list[Case] = []

CASES = REPORT_CASES + EXPORT_CASES
