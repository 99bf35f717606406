"""Users, their organization and their roles inside it."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

# Re-exported: the role vocabulary lives in core (anbiao.core.vocabulary).
from anbiao.core.vocabulary import ADMIN_ROLES as ADMIN_ROLES
from anbiao.core.vocabulary import BUSINESS_ROLES as BUSINESS_ROLES
from anbiao.core.vocabulary import Role as Role


def effective_roles(stored: frozenset[str]) -> frozenset[str]:
    """The roles an account may use: an admin role only where it stands alone (三员分立).

    The services never store a business role beside an admin role, nor two admin roles
    (``anbiao.accounts.roles``). An account that holds such a mix from earlier data uses its
    business roles only, and no admin role, until a 系统管理员 corrects it; ``manage.py
    role_check`` and the security page list such accounts.
    """
    admin = stored & ADMIN_ROLES
    if admin and (len(admin) > 1 or stored & BUSINESS_ROLES):
        return stored - ADMIN_ROLES
    return stored


# Django admin rights of the 系统管理员: users, organizations and enterprises, and reading the
# roles, no more. Roles are given only through the 用户管理 page, whose service applies the
# separation rules (anbiao.accounts.roles). The rights come from the role itself (not from
# groups that someone has to keep in step), so taking the role away takes the rights away.
# Nobody gets rights on the audit trail.
SYSADMIN_PERMISSIONS = frozenset(
    f"{app}.{action}_{model}"
    for app, model in (
        ("accounts", "user"),
        ("orgs", "organization"),
        ("orgs", "enterprise"),
    )
    for action in ("view", "add", "change")
) | frozenset({"accounts.view_membership"})


class User(AbstractUser):
    """A person. Belongs to one organization; holds one or more roles there."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    mobile = models.CharField("手机号", max_length=11, unique=True, null=True, blank=True)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    must_change_password = models.BooleanField("首次登录须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", default=timezone.now)

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def stored_roles(self) -> frozenset[str]:
        """The roles as stored, including any the separation rules suspend (``role_set``)."""
        return frozenset(m.role for m in self.memberships.all())

    def role_set(self) -> frozenset[str]:
        """The roles in force (``effective_roles``): what every access rule reads."""
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = effective_roles(frozenset(self.memberships.values_list("role", flat=True)))
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set() & set(roles))

    def role_permissions(self) -> frozenset[str]:
        """Django admin permissions that come with the user's roles (系统管理员 only)."""
        if self.is_active and self.pk and self.has_role(Role.SYSADMIN):
            return SYSADMIN_PERMISSIONS
        return frozenset()

    def has_perm(self, perm: str, obj: models.Model | None = None) -> bool:
        if obj is None and perm in self.role_permissions():
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        if any(p.startswith(f"{app_label}.") for p in self.role_permissions()):
            return True
        return super().has_module_perms(app_label)


class Membership(models.Model):
    """One role of a user inside the user's organization."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("角色", max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="membership_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class TOTPDevice(models.Model):
    """A user's authenticator app (TOTP, RFC 6238): required for the 三员, optional for others."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField("密钥", max_length=64)
    confirmed_at = models.DateTimeField("启用时间", null=True, blank=True)
    # The newest 30-second step that was accepted: a code is never accepted twice.
    last_used_step = models.BigIntegerField(default=0)
    # Wrong codes in a row, over all sessions: guessing is stopped even with a known password.
    failures = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "动态口令设备"
        verbose_name_plural = "动态口令设备"

    def __str__(self) -> str:
        return f"{self.user} · {'已启用' if self.confirmed_at else '未启用'}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class RoleGrant(models.Model):
    """A 系统管理员's request to make an account 安全管理员 or 审计管理员.

    It takes effect only when another admin (a 安全管理员 or 审计管理员 who is neither the
    requester nor the account itself) confirms it; until then the account's roles are as
    before. On confirmation the account holds that one role and nothing else.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "待确认"
        CONFIRMED = "confirmed", "已确认"
        REFUSED = "refused", "已拒绝"
        CANCELLED = "cancelled", "已撤回"

    user = models.ForeignKey(
        User, verbose_name="账号", on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField("申请授予的角色", max_length=16, choices=Role.choices)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        User, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    decided_by = models.ForeignKey(
        User,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "角色授权申请"
        verbose_name_plural = "角色授权申请"
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="rolegrant_one_pending_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["secadmin", "auditor"]),
                name="rolegrant_role_needs_confirmation",
            ),
        ]
        indexes = [models.Index(fields=["status", "-requested_at"], name="rolegrant_status")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.get_status_display()}"
