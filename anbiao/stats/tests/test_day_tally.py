"""The day tally (``stats.DayTally``, ADR 0015) that the database keeps of the counted, stamped
look-backs and reports: after any sequence of writes — through the services' helpers, plain
``update()``, a registry move (restamp), deletes — it equals the rows grouped by day, campaign
and unit of each axis; and the statistics read from it equal the statistics read from the rows.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anbiao.checklists.models import COUNTED_LOOKBACK, Checklist
from anbiao.orgs.models import OrgKind
from anbiao.orgs.scope import DEPARTMENT_AXIS, ORGANIZATION_AXIS, TOWN_AXIS, stamp_of
from anbiao.orgs.services import enterprise_update
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory
from anbiao.records.models import Record
from anbiao.reports.models import FINALIZED, Report
from anbiao.stats import selectors, table
from anbiao.stats import tally as stats_tally
from anbiao.stats.columns import Period
from anbiao.stats.columns.sources import one_campaign
from anbiao.stats.models import DayTally, TallySource
from anbiao.stats.tests import builders as b

pytestmark = pytest.mark.django_db
PERIOD = Period(b.PERIOD_START, b.PERIOD_END)
LOCAL = ZoneInfo("Asia/Shanghai")
RecordEvidence = Record.evidence.through
WHEN = list(b.TIMES)
STATUSES = ["draft", "submitted", "returned", "accepted"]


@pytest.fixture
def tvs(db: Any) -> tuple[Any, Any]:
    return b.template_version("enterprise"), b.template_version("government")


def _campaign(name: str, tv_e: Any, tv_g: Any) -> Any:
    from anbiao.campaigns.models import Campaign

    return Campaign.objects.create(
        name=name,
        period_start=b.PERIOD_START,
        period_end=b.PERIOD_END,
        enterprise_deadline=b.PERIOD_END,
        government_deadline=b.PERIOD_END,
        enterprise_template_version=tv_e,
        government_template_version=tv_g,
        status="open",
    )


def rows_grouped() -> Counter[tuple[Any, ...]]:
    """What the tally should hold, from the rows themselves (day: local date in Asia/Shanghai)."""
    want: Counter[tuple[Any, ...]] = Counter()

    def put(source: str, at: Any, camp: Any, dept: Any, town: Any, org: Any, problems: int) -> None:
        day = at.astimezone(LOCAL).date() if isinstance(at, dt.datetime) else at
        axes = [(DEPARTMENT_AXIS, dept), (TOWN_AXIS, town)]
        if dept is None and town is None:  # a row without a stamp: by its organization
            axes = [(ORGANIZATION_AXIS, org)]
        for axis, unit in axes:
            want[(source, day, camp, axis, unit, "n")] += 1
            want[(source, day, camp, axis, unit, "problems")] += problems

    looks = Checklist.objects.filter(COUNTED_LOOKBACK, submitted_at__isnull=False)
    who = ("scope_department_id", "scope_town_id", "organization_id")
    for c in looks.values("submitted_at", "campaign_id", "problem_count", *who):
        put(
            TallySource.LOOKBACKS, c["submitted_at"], c["campaign_id"], c["scope_department_id"],
            c["scope_town_id"], c["organization_id"], c["problem_count"] or 0,
        )  # fmt: skip
    for r in Report.objects.filter(FINALIZED).values("first_finalized_at", "campaign_id", *who):
        put(
            TallySource.REPORTS, r["first_finalized_at"], r["campaign_id"], r["scope_department_id"],
            r["scope_town_id"], r["organization_id"], 0,
        )  # fmt: skip
    for rec in Record.objects.filter(status="submitted").values("pk", "kind", "date", *who):
        if RecordEvidence.objects.filter(record_id=rec["pk"]).exists():
            source = {"experience": TallySource.EXPERIENCES, "mechanism": TallySource.MECHANISMS}
            put(
                source[rec["kind"]], rec["date"], None, rec["scope_department_id"],
                rec["scope_town_id"], rec["organization_id"], 0,
            )  # fmt: skip
    return +want  # without zeros


def tally() -> Counter[tuple[Any, ...]]:
    got: Counter[tuple[Any, ...]] = Counter()
    for t in DayTally.objects.all():
        got[(t.source, t.day, t.campaign, t.axis, t.unit, "n")] += t.n
        got[(t.source, t.day, t.campaign, t.axis, t.unit, "problems")] += t.problems
    return +got


step_st = st.one_of(
    st.tuples(
        st.just("lookback"),
        st.integers(0, 3),
        st.integers(0, 2),
        st.sampled_from(STATUSES),
        st.sampled_from(WHEN),
        st.integers(0, 3),
    ),  # fmt: skip
    st.tuples(st.just("status"), st.integers(0, 9), st.sampled_from(STATUSES)),
    st.tuples(st.just("time"), st.integers(0, 9), st.sampled_from(WHEN)),
    st.tuples(st.just("problems"), st.integers(0, 9), st.integers(0, 5)),
    st.tuples(st.just("move"), st.integers(0, 3), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("unstamp"), st.integers(0, 3)),
    st.tuples(st.just("delete"), st.integers(0, 9)),
    st.tuples(
        st.just("report"),
        st.integers(0, 3),
        st.integers(0, 2),
        st.booleans(),
        st.sampled_from(WHEN),
    ),  # fmt: skip
    st.tuples(st.just("unfinalize"), st.integers(0, 9)),
    # experiences and mechanisms: made (submitted or not, with 0–2 evidence files at once),
    # evidence added (1–2 in one statement) or taken away (one, or all), submitted or
    # withdrawn, re-dated, deleted
    st.tuples(
        st.just("record"),
        st.integers(0, 5),
        st.sampled_from(["experience", "mechanism"]),
        st.booleans(),
        st.integers(0, 2),
        st.sampled_from(WHEN),
    ),  # fmt: skip
    st.tuples(st.just("evidence_add"), st.integers(0, 9), st.integers(1, 2)),
    st.tuples(st.just("evidence_remove"), st.integers(0, 9), st.booleans()),
    st.tuples(st.just("record_status"), st.integers(0, 9), st.booleans()),
    st.tuples(st.just("record_date"), st.integers(0, 9), st.sampled_from(WHEN)),
    st.tuples(st.just("record_delete"), st.integers(0, 9)),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step_st, min_size=1, max_size=16))
def test_the_tally_equals_the_rows_grouped_after_any_writes(tvs: Any, steps: list) -> None:
    tv_e, tv_g = tvs
    with transaction.atomic():
        depts = [OrganizationFactory.create(kind=OrgKind.DEPARTMENT) for _ in range(2)]
        towns = [OrganizationFactory.create(kind=OrgKind.TOWN) for _ in range(2)]
        ents = [
            EnterpriseFactory.create(department=depts[i % 2], town=towns[i // 2]) for i in range(4)
        ]
        camps = [None, _campaign("甲", tv_e[0], tv_g[0]), _campaign("乙", tv_e[0], tv_g[0])]
        # enterprises (stamped rows) and two government units (rows without a stamp)
        orgs = [*(e.organization for e in ents), depts[0], towns[1]]
        looks: list[Any] = []
        reports: list[Any] = []
        records: list[Any] = []
        for step in steps:
            kind, *args = step
            if kind == "lookback":
                ei, ci, status, when, problems = args
                org, camp = orgs[ei], camps[ci]
                if (
                    camp is not None
                    and Checklist.objects.filter(campaign=camp, organization=org).exists()
                ):
                    continue  # one look-back per unit and campaign
                at = None if status == "draft" else b.TIMES[when]
                looks.append(
                    b.lookback(
                        org,
                        status=status,
                        when=at,
                        problems=problems,
                        tv=tv_e[0],
                        clause=tv_e[1],
                        camp=camp,
                    )  # fmt: skip
                )
            elif kind in ("status", "time", "problems", "delete") and looks:
                pk = looks[args[0] % len(looks)].pk
                rows = Checklist.objects.filter(pk=pk)
                if kind == "status":
                    rows.update(status=args[1])
                elif kind == "time":
                    rows.update(submitted_at=b.TIMES[args[1]])
                elif kind == "problems":
                    rows.update(problem_count=args[1])
                else:
                    rows.delete()
            elif kind == "move":
                ei, di, ti = args
                moved = {"department": depts[di % 2], "town": towns[ti % 2]}
                enterprise_update(by=None, enterprise=ents[ei], **moved)
            elif kind == "unstamp":
                org = ents[args[0]].organization
                # the stamp written away, as by a write without the services
                Checklist.objects.filter(organization=org).update(**stamp_of(None, None))
                Report.objects.filter(organization=org).update(**stamp_of(None, None))
                Record.objects.filter(organization=org).update(**stamp_of(None, None))
            elif kind == "report":
                ei, ci, finalized, when = args
                org, camp = orgs[ei], camps[ci] or camps[1]
                if not Report.objects.filter(campaign=camp, organization=org).exists():
                    reports.append(
                        b.report(org, camp=camp, finalized=finalized, when=b.TIMES[when])
                    )
            elif kind == "record":
                oi, rkind, submitted, files, when = args
                rec = b.record(
                    orgs[oi], kind=rkind, submitted=submitted, evidence=False,
                    date=b.DATES[when],
                )  # fmt: skip
                rec.evidence.add(*(b.stored_file(orgs[oi]) for _ in range(files)))
                records.append(rec)
            elif kind.startswith("record_") or kind.startswith("evidence_"):
                if not records:
                    continue
                rec = records[args[0] % len(records)]
                if not Record.objects.filter(pk=rec.pk).exists():
                    continue
                if kind == "evidence_add":
                    rec.evidence.add(*(b.stored_file(rec.organization) for _ in range(args[1])))
                elif kind == "evidence_remove" and args[1]:
                    rec.evidence.clear()
                elif kind == "evidence_remove":
                    rec.evidence.remove(*rec.evidence.all()[:1])
                elif kind == "record_status":
                    Record.objects.filter(pk=rec.pk).update(
                        status="submitted" if args[1] else "draft"
                    )
                elif kind == "record_date":
                    Record.objects.filter(pk=rec.pk).update(date=b.DATES[args[1]])
                else:
                    rec.delete()
            elif kind == "unfinalize" and reports:
                Report.objects.filter(pk=reports[args[0] % len(reports)].pk).update(
                    counted_version=None
                )
            assert tally() == rows_grouped(), step
        assert stats_tally.differences() == []  # the command's reading agrees
        transaction.set_rollback(True)


def test_the_triggers_date_a_row_by_the_local_day() -> None:
    """The triggers take the day in Asia/Shanghai (UTC+8): the settings must say the same."""
    assert django_settings.TIME_ZONE == "Asia/Shanghai"
    assert b.TIMES["first"].astimezone(dt.UTC).date() == dt.date(2024, 8, 31)


def test_a_row_just_after_local_midnight_is_on_that_local_day(tvs: Any) -> None:
    tv_e, tv_g = tvs
    camp = _campaign("甲", tv_e[0], tv_g[0])
    ent = EnterpriseFactory.create()
    b.lookback(
        ent.organization, status="submitted", when=b.TIMES["first"], problems=2,
        tv=tv_e[0], clause=tv_e[1], camp=camp,
    )  # fmt: skip
    days = set(DayTally.objects.values_list("day", flat=True))
    assert days == {b.PERIOD_START}  # 2024-09-01 00:05 local, 2024-08-31 16:05 UTC


def _world(tvs: Any, *, second_campaign: bool) -> dict[str, Any]:
    tv_e, tv_g = tvs
    OrganizationFactory.create(kind=OrgKind.CITY)
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT)
    town = OrganizationFactory.create(kind=OrgKind.TOWN)
    camps = [_campaign("甲", tv_e[0], tv_g[0]), _campaign("乙", tv_e[0], tv_g[0])]
    ents = [EnterpriseFactory.create(department=dept, town=town) for _ in range(3)]
    for i, ent in enumerate(ents):
        b.lookback(
            ent.organization, status="submitted", when=b.TIMES["in"], problems=i + 1,
            tv=tv_e[0], clause=tv_e[1], camp=camps[0],
        )  # fmt: skip
        b.report(ent.organization, camp=camps[0], finalized=True, when=b.TIMES["last"])
    if second_campaign:  # the first enterprise looks back again in another campaign
        b.lookback(
            ents[0].organization, status="submitted", when=b.TIMES["last"], problems=4,
            tv=tv_e[0], clause=tv_e[1], camp=camps[1],
        )  # fmt: skip
    return {"dept": dept, "town": town}


def _tables(w: dict[str, Any]) -> list[list[Any]]:
    city = selectors.city_table(period=PERIOD)
    rows = [r.values for r in (*city.departments, *city.towns, city.total)]
    units = [selectors.unit_table(unit=w[u], period=PERIOD).values for u in ("dept", "town")]
    return rows + units


def test_the_tables_read_from_the_tally_equal_the_tables_read_from_the_rows(
    tvs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = _world(tvs, second_campaign=False)
    assert one_campaign({1}) and one_campaign(set())
    assert not one_campaign({None}) and not one_campaign({1, 2})
    with CaptureQueriesContext(connection) as read:
        tallied = _tables(w)
    sql = " ".join(q["sql"] for q in read.captured_queries)
    assert "stats_daytally" in sql
    monkeypatch.setattr(table, "_tallied", lambda *a: None)
    with CaptureQueriesContext(connection) as read:
        live = _tables(w)
    assert "stats_daytally" not in " ".join(q["sql"] for q in read.captured_queries)
    assert tallied == live
    assert tallied[-2][:6] == [3, 0, 6, 0, 3, 0]  # the department's table


def test_look_backs_of_two_campaigns_in_one_period_count_an_enterprise_once(tvs: Any) -> None:
    w = _world(tvs, second_campaign=True)
    # the tally's rows would count the enterprise twice: the rows are read
    with CaptureQueriesContext(connection) as read:
        selectors.unit_table(unit=w["dept"], period=PERIOD)
    assert "COUNT(DISTINCT" in " ".join(q["sql"] for q in read.captured_queries)
    dept = selectors.unit_table(unit=w["dept"], period=PERIOD).values
    assert dept[:5] == [3, 0, 10, 0, 3]  # 3 enterprises, 1 + 2 + 3 + 4 problems, 3 reports
    assert selectors.city_table(period=PERIOD).total.values[:3] == [3, 0, 10]


def test_the_command_finds_a_tally_that_differs_and_rebuilds_it(tvs: Any) -> None:
    from django.db.models import F

    _world(tvs, second_campaign=True)
    out = io.StringIO()
    call_command("stats_tally", stdout=out)
    assert "一致" in out.getvalue()
    good = tally()
    DayTally.objects.filter(axis=TOWN_AXIS).update(n=F("n") + 2)  # as after a bad restore
    with pytest.raises(CommandError, match="处与逐条记录不一致"):
        call_command("stats_tally", stdout=out)
    assert "汇总 5 条" in out.getvalue()
    call_command("stats_tally", "--rebuild", stdout=out)
    assert "已重建统计日汇总" in out.getvalue()
    assert tally() == good == rows_grouped()


def test_a_record_counts_from_its_first_evidence_file_to_its_last(tvs: Any) -> None:
    ent = EnterpriseFactory.create()
    org = ent.organization

    def n() -> int:
        assert tally() == rows_grouped()
        return sum(
            DayTally.objects.filter(source=TallySource.EXPERIENCES, axis=DEPARTMENT_AXIS)
            .values_list("n", flat=True)
        )  # fmt: skip

    rec = b.record(org, kind="experience", submitted=True, evidence=False, date=b.DATES["in"])
    assert n() == 0  # no evidence: does not count
    rec.evidence.add(b.stored_file(org), b.stored_file(org))  # two files in one statement
    assert n() == 1
    rec.evidence.remove(rec.evidence.first())
    assert n() == 1  # one file left
    rec.evidence.clear()
    assert n() == 0  # the last file removed
    rec.evidence.add(b.stored_file(org))
    Record.objects.filter(pk=rec.pk).update(status="draft")
    assert n() == 0
    Record.objects.filter(pk=rec.pk).update(status="submitted")
    assert n() == 1
    rec.delete()
    assert n() == 0
