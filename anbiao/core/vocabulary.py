"""The words every layer shares: the kinds of organization and the roles inside one.

They live at the bottom (``core``) so that access rules, the menu and the audit page can name
them without importing the apps that store them; ``anbiao.orgs.models`` and
``anbiao.accounts.models`` re-export them, so ``from anbiao.orgs.models import OrgKind`` keeps
working. Migrations copy the choices, so moving a class here changes no schema.
"""

from __future__ import annotations

from django.db import models


class OrgKind(models.TextChoices):
    CITY = "city", "市安委办"
    DEPARTMENT = "department", "成员单位"
    TOWN = "town", "乡镇/街道/开发区"
    ENTERPRISE = "enterprise", "企业"


GOVERNMENT_KINDS = (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN)


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", "单位管理员"
    FILLER = "filler", "填报员"
    PRINCIPAL = "principal", "主要负责人"
    GRID = "grid", "网格员"
    VIEWER = "viewer", "查看"
    # 三员分立: platform administration, never business operations.
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "审计管理员"


BUSINESS_ROLES = frozenset({Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.GRID, Role.VIEWER})
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
