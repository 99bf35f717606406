"""The scope rule (primary department / town, the stamped copy) is written in ONE module.

``anbiao/orgs/scope.py`` says which organizations and records a unit sees, counts and did. This
test reads every project source (``anbiao/`` and ``bench/``, without tests and migrations) and
fails when another module spells the rule again: names the stamped scope fields, filters by an
enterprise's department or town through a relation, filters enterprises by the unit's ids, or
looks at the co-supervising departments. Ask ``anbiao.orgs.scope`` instead (see
docs/DEVELOPING.md, “统计范围”).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCOPE_MODULE = ROOT / "anbiao" / "orgs" / "scope.py"

# what spelling the rule looks like
PATTERNS = {
    "the stamped scope fields": re.compile(r"\bscope_(department|town)"),
    "an enterprise's department or town as a filter": re.compile(
        r"enterprise__(department|town)(_id)?(__in\b|\s*=(?!=))"
    ),
    "a department or town filtered by a unit's ids": re.compile(
        r"""(["}](department|town)(_id)?__in["])"""
        r"""|\b(department|town)(_id)?__in\s*=\s*(own_unit_ids|descendant_ids|units\b|unit_ids\b|ids\b)"""
    ),
    "the co-supervising departments as a filter": re.compile(r"other_departments__in"),
}


def sources() -> list[Path]:
    files = [*(ROOT / "anbiao").rglob("*.py"), *(ROOT / "bench").rglob("*.py")]
    return sorted(
        f
        for f in files
        if f != SCOPE_MODULE and "tests" not in f.parts and "migrations" not in f.parts
    )


def offences(text: str) -> list[str]:
    found = []
    for no, line in enumerate(text.splitlines(), 1):
        for what, pattern in PATTERNS.items():
            if pattern.search(line):
                found.append(f"{no}: {what}: {line.strip()}")
    return found


def test_no_module_but_the_scope_module_spells_the_scope_rule() -> None:
    report = []
    for f in sources():
        for o in offences(f.read_text(encoding="utf-8")):
            report.append(f"{f.relative_to(ROOT)}:{o}")
    assert not report, "the scope rule is spelled outside anbiao/orgs/scope.py:\n" + "\n".join(
        report
    )


def test_the_patterns_catch_the_spellings_the_scope_module_replaced() -> None:
    """Each way the rule used to be written elsewhere is caught (so the test above can fail)."""
    old = [
        "Q(scope_department__isnull=True, scope_town__isnull=True)",
        'return own | Q(**{f"{p}organization__enterprise__department_id__in": units})',
        "qs.filter(organization__enterprise__town_id=f.town)",
        "return qs.filter(department_id__in=own_unit_ids(user))",
        "ents = ents.filter(town_id__in=own_unit_ids(user))",
        'Q(**{f"{p}department_id__in": units}) | Q(**{f"{p}other_departments__in": units})',
        'Enterprise.objects.filter(**{f"{link}__in": ids}) if x else Q(town__in=ids)',
    ]
    for line in old:
        assert offences(line), line
    # reading the registry's names for display is not the rule
    fine = [
        'qs.select_related("enterprise__town", "enterprise__department")',
        "MonthlyReport.objects.filter(month__in=months, department_id__in=departments)",
        "ExposureBatch.objects.filter(department_id__in=department_ids)",
    ]
    for line in fine:
        assert not offences(line), line


def test_the_scope_module_holds_the_rule() -> None:
    text = SCOPE_MODULE.read_text(encoding="utf-8")
    assert offences(text), "anbiao/orgs/scope.py no longer spells the rule: where did it go?"
