"""Schemathesis over the domain operations with REAL objects behind the ids.

``test_schemathesis.py`` already runs every operation; its ids mostly miss (404). Here the
path ids are aimed in turn at an object in the caller's scope, at the same kind of object of
another department (must be 404), or left as generated; the token alternates between a
department filler and an enterprise filler. Checks: no server error, every answer within the
documented schema, and no 200 ever carries the other department's object.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from anbiao.accounts.models import Role
from anbiao.api.services import apitoken_create
from anbiao.api.tests.test_schemathesis import _keep_the_test_connection  # noqa: F401
from anbiao.checklists.tests.helpers import campaign, start
from anbiao.enforcement import services as enforcement
from anbiao.inspections.tests.helpers import inspection
from anbiao.orgs.tests.factories import make_user
from anbiao.records import services as records
from anbiao.records.models import RecordKind
from anbiao.rectification import services as rectification
from anbiao.rectification.tests.helpers import plan, problem
from config.wsgi import application

DOMAINS = r"/api/v1/(campaigns|checklists|problems|inspections|records|enforcement|stats)"
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(
    path_regex=DOMAINS
)
_turn = itertools.count()
_token_turn = itertools.count()


class DomainWorld:
    def __init__(self, w) -> None:  # noqa: ANN001
        self.w = w
        ent_filler = make_user(w.ent.organization, Role.FILLER, username="st_ent_filler")
        other = make_user(w.dept_other, Role.FILLER, username="st_other_filler")
        self.tokens = [w.tokens["filler"], apitoken_create(by=ent_filler, name="测试")[1]]
        self.campaign = campaign()
        checklist = start(w.ent.organization, ent_filler)
        other_checklist = start(w.ent_other.organization, None)
        first = checklist.answers.order_by("clause__position").first()
        assert first is not None
        self.clause_id = first.clause_id
        own_problem = problem(w.ent.organization)
        rectification.problem_plan_save(by=ent_filler, problem=own_problem, data=plan())
        own_insp = inspection(w.filler, w.ent.organization, findings=("消防通道堵塞",))
        other_insp = inspection(other, w.ent_other.organization, findings=("配电箱未上锁",))
        own_record = records.record_create(
            by=ent_filler,
            kind=RecordKind.EXPERIENCE,
            title="班组安全积分制",
            summary="每月评比",
            category="continuous",
            date=dt.date(2024, 10, 1),
        )
        other_record = records.record_create(
            by=other,
            kind=RecordKind.MECHANISM,
            title="联合检查机制",
            summary="每季度一次",
            date=dt.date(2024, 10, 1),
        )
        case = enforcement.case_create(
            by=w.filler,
            enterprise=w.ent,
            case_number="南应急罚〔2024〕1号",
            violation="未开展自评",
            legal_basis="《安全生产法》第九十七条",
            penalty="罚款",
            decided_on=dt.date(2024, 5, 10),
        )
        enforcement.batch_create(
            by=w.filler, title="第一批", date=dt.date(2024, 5, 20), cases=[case]
        )
        self.own = {
            "checklists": str(checklist.pk),
            "problems": str(own_problem.pk),
            "inspections": str(own_insp.pk),
            "records": str(own_record.pk),
            "campaigns": self.campaign.pk,
        }
        self.other = {
            "checklists": str(other_checklist.pk),
            "problems": str(problem(w.ent_other.organization).pk),
            "inspections": str(other_insp.pk),
            "records": str(other_record.pk),
        }


@pytest.fixture
def domainworld(apiworld) -> DomainWorld:  # noqa: ANN001
    return DomainWorld(apiworld)


def _aim(case, world: DomainWorld) -> tuple[str, str]:  # noqa: ANN001
    """Point the ids at real objects (own / other / as generated); return (kind, side)."""
    kind = case.operation.path.split("/")[3]
    params = case.path_parameters or {}
    side = ("own", "other", "generated")[next(_turn) % 3]
    if "id" not in params:
        side = "list"
    elif str(params["id"]).strip():
        try:
            uuid.UUID(str(params["id"])) if kind != "campaigns" else int(params["id"])
        except ValueError:
            return kind, "malformed"
        if side == "own" and kind in world.own:
            params["id"] = world.own[kind]
        elif side == "other" and kind in world.other:
            params["id"] = world.other[kind]
        else:
            side = "generated"
    if "clause_id" in params and side == "own":
        params["clause_id"] = world.clause_id
    if case.query and "unit" in case.query and side == "list" and next(_token_turn) % 3 == 0:
        case.query["unit"] = str(world.w.dept_other.pk)  # another unit's table: 404 (or 422)
    return kind, side


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_domain_operations_on_real_objects_stay_in_schema_and_in_scope(case, domainworld) -> None:  # noqa: ANN001
    kind, side = _aim(case, domainworld)
    token = domainworld.tokens[next(_token_turn) % 2]
    sent_token = any(k.lower() == "authorization" for k in (case.headers or {}))
    response = case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"} if sent_token else None,
        excluded_checks=[checks.positive_data_acceptance],
    )
    assert response.status_code < 500
    if not sent_token or case.method.upper() != case.operation.method.upper():
        return
    if side == "other" and kind in domainworld.other:
        assert response.status_code in (400, 404, 422), (case.formatted_path, response.status_code)
    if response.status_code == 200:
        body = response.json()
        others = set(domainworld.other.values())
        found = [body.get("id")] + [i.get("id") for i in body.get("items", [])]
        assert not others.intersection(str(f) for f in found), case.formatted_path
