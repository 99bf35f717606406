"""Property-based tests of every API operation from its OpenAPI document (schemathesis).

With a department filler's token: no server error, every answer within the documented schema
(status code, content type, headers, body). Without a token: every operation answers 401.
New routers are covered without any change here.

The ``positive_data_acceptance`` check is left out: services apply business rules that no
schema can state (an unknown unit, a name that is blank once trimmed), answered as 422 with a
Chinese message naming the field, which is what a schema-valid request may get.
"""

from __future__ import annotations

import itertools
import os
import uuid

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.core.result import Ok

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=os.environ.get("ANBIAO_SCHEMATHESIS_RANDOM") != "1",
    suppress_health_check=list(HealthCheck),
    database=None,
)


_turn = itertools.count()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():  # noqa: ANN202
    """Call the real WSGI app without it closing the test transaction's connection.

    Django's WSGI handler closes "old" connections around each request; inside a test
    transaction that closes it (PostgreSQL). Django's own test client disconnects the same hook.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def _aim_at_real_objects(case, apiworld) -> None:  # noqa: ANN001
    """Send a third of the valid path ids to an own object, a third to another department's.

    Taken in turn (not at random), so the run stays deterministic.
    """
    body = case.body if isinstance(case.body, dict) else {}
    units = {"town": apiworld.town.pk, "department": apiworld.dept.pk}
    for key, real in units.items():
        if _is_uuid(body.get(key)):
            body[key] = str(real)  # an existing unit, so that some edits succeed
    if isinstance(body.get("other_departments"), list) and all(
        _is_uuid(v) for v in body["other_departments"]
    ):
        body["other_departments"] = [str(apiworld.dept_other.pk)][: len(body["other_departments"])]
    params = case.path_parameters or {}
    if "id" not in params:
        return
    try:
        uuid.UUID(str(params["id"]))
    except ValueError:
        return  # keep malformed ids: they must answer 422
    pick = next(_turn) % 3
    if pick == 1:
        params["id"] = str(apiworld.ent.pk)
    elif pick == 2:
        params["id"] = str(apiworld.ent_other.pk)


@pytest.mark.django_db
@schema.parametrize()
@SETTINGS
def test_no_operation_errors_or_leaves_its_schema(case, apiworld) -> None:  # noqa: ANN001
    _aim_at_real_objects(case, apiworld)
    # schemathesis puts a placeholder "Authorization" header where the scheme asks for one and
    # leaves it out in its "missing authentication" cases: fill in the real token only where
    # the placeholder is, so that those cases really go without a token.
    sent_token = any(k.lower() == "authorization" for k in (case.headers or {}))
    token = apiworld.tokens["filler"]
    response = case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"} if sent_token else None,
        excluded_checks=[checks.positive_data_acceptance],
    )
    assert response.status_code < 500
    if sent_token and case.method.upper() == case.operation.method.upper():
        assert response.status_code != 401  # the token is valid: the request really got in
    if response.status_code == 200 and "/enterprises/" in case.formatted_path:
        # never another department's enterprise
        assert response.json()["id"] != str(apiworld.ent_other.pk)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_without_a_token(case, apiworld) -> None:  # noqa: ANN001
    _aim_at_real_objects(case, apiworld)
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    response = case.call()
    if case.method.upper() != case.operation.method.upper():
        # schemathesis also tries undocumented methods (TRACE, …): refused before anything else
        assert response.status_code == 405, (case.method, case.formatted_path)
        return
    assert response.status_code == 401, (case.method, case.formatted_path, response.status_code)
    assert "令牌" in response.json()["detail"]


def test_every_operation_is_under_test() -> None:
    operations = set()
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()
        op = result.ok()
        operations.add((op.method.upper(), op.path))
    assert len(operations) >= 6
