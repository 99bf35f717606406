"""Who am I: the token's user, organization and roles."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from anbiao.accounts.models import Role
from anbiao.api.errors import ERRORS
from anbiao.core.access import can_write

router = Router(tags=["当前用户"])
ROLE_LABELS = dict(Role.choices)


class RoleOut(Schema):
    code: str
    label: str


class OrganizationRef(Schema):
    id: UUID
    kind: str
    kind_label: str
    name: str


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    organization: OrganizationRef | None
    roles: list[RoleOut]
    can_write: bool


@router.get("/me", response={200: MeOut, **ERRORS}, summary="当前用户", operation_id="me")
def me(request: HttpRequest) -> dict:
    user = request.auth  # type: ignore[attr-defined]
    org = user.organization
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "organization": (
            {"id": org.pk, "kind": org.kind, "kind_label": org.get_kind_display(), "name": org.name}
            if org
            else None
        ),
        "roles": [{"code": r, "label": ROLE_LABELS.get(r, r)} for r in sorted(user.role_set())],
        "can_write": can_write(user),
    }
