"""Every column of 附件3, for every reporting unit, against a count written plainly in Python.

Random small cities: departments (one may have a sub-unit), towns, enterprises (some under the
sub-unit), look-backs in every status submitted at times around the period's edges, problem
lines, experiences and mechanisms with and without evidence, exposure batches published or not.
The expected numbers are computed by loops over the objects created, not by the same queries.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anbiao.orgs.models import OrgKind
from anbiao.orgs.scope import stamped_models
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory
from anbiao.stats import selectors
from anbiao.stats.columns import COLUMNS, Period
from anbiao.stats.tests import builders as b

pytestmark = pytest.mark.django_db(transaction=False)

STATUSES = ["none", "draft", "submitted", "returned", "accepted"]
WHEN = list(b.TIMES)

lookback_st = st.tuples(st.sampled_from(STATUSES), st.sampled_from(WHEN), st.integers(0, 3))
city_st = st.fixed_dictionaries(
    {
        "lookbacks_in_campaign": st.booleans(),
        "n_depts": st.integers(1, 3),
        "n_towns": st.integers(1, 3),
        "dept_sub": st.booleans(),
        "town_sub": st.booleans(),
        "ents": st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9), lookback_st), max_size=6),
        "gov_lookbacks": st.lists(lookback_st, min_size=8, max_size=8),
        "reports": st.lists(
            st.tuples(st.sampled_from(["none", "draft", "final"]), st.sampled_from(WHEN)),
            min_size=20,
            max_size=20,
        ),
        "records": st.lists(
            st.tuples(
                st.integers(0, 30),  # organization index (enterprises and government units)
                st.sampled_from(["experience", "mechanism"]),
                st.booleans(),  # submitted
                st.booleans(),  # evidence
                st.sampled_from(WHEN),
                st.booleans(),  # stamped by the submit service (else written without it)
            ),
            max_size=8,
        ),
        # organizations whose look-backs, reports and records lose their stamped scope (rows
        # written without the services): the table places them through the registry
        "unstamp": st.lists(st.integers(0, 30), max_size=3),
        "inspections": st.lists(
            st.tuples(
                st.integers(0, 9),  # inspector (a government unit)
                st.integers(0, 30),  # target (an enterprise or a government unit)
                st.booleans(),  # completed
                st.sampled_from(WHEN),
                st.integers(0, 2),  # problems
                st.integers(0, 1),  # withdrawn problems
            ),
            max_size=6,
        ),
        "batches": st.lists(
            st.tuples(
                st.integers(0, 9),  # publisher (a department or its sub-unit)
                st.booleans(),  # published
                st.sampled_from(WHEN),
                st.lists(st.integers(0, 9), max_size=3),  # enterprises (repeats allowed)
            ),
            max_size=4,
        ),
    }
)


def build(spec: dict[str, Any], tv_e: Any, tv_g: Any) -> dict[str, Any]:
    city = OrganizationFactory.create(kind=OrgKind.CITY, name="市安委办")
    depts = [OrganizationFactory.create(kind=OrgKind.DEPARTMENT) for _ in range(spec["n_depts"])]
    towns = [OrganizationFactory.create(kind=OrgKind.TOWN) for _ in range(spec["n_towns"])]
    parent: dict[Any, Any] = {}
    dept_units, town_units = list(depts), list(towns)
    if spec["dept_sub"]:
        sub = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, parent=depts[0])
        parent[sub.pk] = depts[0].pk
        dept_units.append(sub)
    if spec["town_sub"]:
        sub = OrganizationFactory.create(kind=OrgKind.TOWN, parent=towns[-1])
        parent[sub.pk] = towns[-1].pk
        town_units.append(sub)
    govs = [city, *dept_units, *town_units]

    looks: dict[Any, tuple[bool, int]] = {}  # org pk → (counted, problems)
    camp = b.campaign(tv_e[0], tv_g[0])
    # look-backs of the campaign are read from the day tally (ADR 0015), of none from the rows
    lookback_camp = camp if spec["lookbacks_in_campaign"] else None

    def make_lookback(org: Any, lb: tuple[str, str, int], tv: Any) -> None:
        status, when, problems = lb
        if status == "none":
            return
        at = b.TIMES[when] if status != "draft" else None
        b.lookback(
            org, status=status, when=at, problems=problems, tv=tv[0], clause=tv[1],
            camp=lookback_camp,
        )  # fmt: skip
        counted = status in ("submitted", "accepted") and at is not None and b.TIME_IN[when]
        looks[org.pk] = (counted, problems)

    ents = []
    for di, ti, lb in spec["ents"]:
        e = EnterpriseFactory.create(
            department=dept_units[di % len(dept_units)], town=town_units[ti % len(town_units)]
        )
        ents.append(e)
        make_lookback(e.organization, lb, tv_e)
    for org, lb in zip(govs, spec["gov_lookbacks"], strict=False):
        make_lookback(org, lb, tv_g)

    all_orgs = [e.organization for e in ents] + govs
    reports = {}  # org pk → counted
    for org, (state, when) in zip(all_orgs, spec["reports"], strict=False):
        if state == "none":
            continue
        b.report(org, camp=camp, finalized=state == "final", when=b.TIMES[when])
        reports[org.pk] = state == "final" and b.TIME_IN[when]
    records = []
    for oi, kind, submitted, evidence, when, stamped in spec["records"]:
        org = all_orgs[oi % len(all_orgs)]
        b.record(
            org,
            kind=kind,
            submitted=submitted,
            evidence=evidence,
            date=b.DATES[when],
            stamped=stamped,
        )
        records.append((org, kind, submitted and evidence and b.TIME_IN[when]))
    inspections = []
    for ii, ti, completed, when, n, nw in spec["inspections"]:
        inspector = govs[ii % len(govs)]
        target = all_orgs[ti % len(all_orgs)]
        b.inspection(
            inspector, target, completed=completed, date=b.DATES[when], problems=n, withdrawn=nw
        )
        inspections.append((inspector, target, completed and b.TIME_IN[when], n))
    batches = []
    if ents:
        for pi, published, when, eis in spec["batches"]:
            pub = dept_units[pi % len(dept_units)]
            exposed = [ents[i % len(ents)] for i in eis]
            b.batch(pub, published=published, date=b.DATES[when], enterprises=exposed)
            batches.append((pub, published and b.TIME_IN[when], exposed))
    for oi in spec["unstamp"]:
        org = all_orgs[oi % len(all_orgs)]
        for model in stamped_models():
            model.objects.filter(organization=org).update(scope_department=None, scope_town=None)
    return {
        "city": city,
        "depts": depts,
        "towns": towns,
        "parent": parent,
        "govs": govs,
        "ents": ents,
        "looks": looks,
        "reports": reports,
        "records": records,
        "batches": batches,
        "inspections": inspections,
    }


def expected(w: dict[str, Any], unit: Any) -> list[int | None]:
    """The 15 numbers by plain loops (None where the source is not built)."""

    def root(pk: Any) -> Any:
        while pk in w["parent"]:
            pk = w["parent"][pk]
        return pk

    is_city = unit.kind == OrgKind.CITY
    ents_in = [
        e
        for e in w["ents"]
        if is_city
        or (unit.kind == OrgKind.DEPARTMENT and root(e.department_id) == unit.pk)
        or (unit.kind == OrgKind.TOWN and root(e.town_id) == unit.pk)
    ]
    govs_in = [g for g in w["govs"] if is_city or root(g.pk) == unit.pk]
    ent_ids = {e.organization_id for e in ents_in}
    gov_ids = {g.pk for g in govs_in}
    out: list[int | None] = [None] * 15
    c1 = [pk for pk in ent_ids if w["looks"].get(pk, (False, 0))[0]]
    c2 = [pk for pk in gov_ids if w["looks"].get(pk, (False, 0))[0]]
    out[0], out[1] = len(c1), len(c2)
    out[2] = sum(w["looks"][pk][1] for pk in c1)
    out[3] = sum(w["looks"][pk][1] for pk in c2)
    out[4] = sum(1 for pk in ent_ids if w["reports"].get(pk))
    out[5] = sum(1 for pk in gov_ids if w["reports"].get(pk))
    ent_targets, gov_targets, p8, p10 = set(), set(), 0, 0
    for inspector, target, counted, n in w["inspections"]:
        if not counted or not (is_city or root(inspector.pk) == unit.pk):
            continue
        if target.kind == OrgKind.ENTERPRISE:
            ent_targets.add(target.pk)
            p8 += n
        else:
            gov_targets.add(target.pk)
            p10 += n
    out[6], out[7], out[8], out[9] = len(ent_targets), p8, len(gov_targets), p10
    n11 = n12 = n13 = 0
    for org, kind, counted in w["records"]:
        if not counted:
            continue
        if kind == "experience" and org.pk in ent_ids:
            n11 += 1
        if kind == "experience" and org.pk in gov_ids:
            n12 += 1
        if kind == "mechanism" and (org.pk in ent_ids or org.pk in gov_ids):
            n13 += 1
    out[10], out[11], out[12] = n11, n12, n13
    n14, exposed = 0, set[Any]()
    for pub, counted, ents in w["batches"]:
        if counted and (is_city or root(pub.pk) == unit.pk):
            n14 += 1
            exposed.update(e.organization_id for e in ents)
    out[13], out[14] = n14, len(exposed)
    return out


@pytest.fixture
def tvs(db: Any) -> tuple[Any, Any]:
    return b.template_version("enterprise"), b.template_version("government")


def _rolled_back(fn: Any) -> Any:
    with transaction.atomic():
        try:
            return fn()
        finally:
            transaction.set_rollback(True)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=city_st)
def test_every_column_for_every_unit_matches_a_plain_count(tvs: Any, spec: dict) -> None:
    tv_e, tv_g = tvs
    period = Period(b.PERIOD_START, b.PERIOD_END)

    def check() -> None:
        w = build(spec, tv_e, tv_g)
        city_t = selectors.city_table(period=period)
        rows = {r.unit: r.values for r in [*city_t.departments, *city_t.towns]}
        for unit in [w["city"], *w["depts"], *w["towns"]]:
            want = expected(w, unit)
            got = selectors.unit_table(unit=unit, period=period).values
            for col in COLUMNS:
                i = col.no - 1
                assert got[i] == want[i], (unit.name, col.no, got, want)
                # the drill-down list has exactly that many records
                scope = selectors.scope_for(unit)
                assert len(list(col.records(scope, period))) == want[i]
            if unit.kind != OrgKind.CITY:
                assert [v for v in rows[unit]] == got, unit.name
        assert city_t.total.values == expected(w, w["city"])
        # the city total counts each enterprise once: never more than the enterprises there are
        assert city_t.total.values[0] is not None
        assert city_t.total.values[0] <= len(w["ents"])
        assert city_t.total.values[0] == sum(
            1 for e in w["ents"] if w["looks"].get(e.organization_id, (False, 0))[0]
        )

    _rolled_back(check)
