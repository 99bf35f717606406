"""Types for views behind :func:`anbiao.core.access.require`.

``require`` lets a request through only when its user is signed in, active, and belongs to an
active organization (see :meth:`anbiao.core.access.AccessRule.allows`). A view behind it
declares ``request: AuthedRequest`` so that the type checker knows ``request.user`` is such a
:class:`MemberUser`, not an ``AnonymousUser`` and not a user without an organization. Views
marked :func:`anbiao.core.access.public` keep the plain ``HttpRequest``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from uuid import UUID

    from django_htmx.middleware import HtmxDetails

    from anbiao.accounts.models import User
    from anbiao.orgs.models import Organization

    class MemberUser(User):
        """A :class:`User` whose organization is set (for the type checker only)."""

        organization: Organization
        organization_id: UUID


class AuthedRequest(HttpRequest):
    """An ``HttpRequest`` that has passed :func:`anbiao.core.access.require` (and django-htmx's
    middleware, which runs on every request and sets ``request.htmx``)."""

    user: MemberUser
    htmx: HtmxDetails
