"""Users, their organization and their roles inside it."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone


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

# Django admin rights of the 系统管理员: users, their roles, organizations and enterprises, no
# more. They come from the role itself (not from groups that someone has to keep in step), so
# taking the role away takes the rights away. Nobody gets rights on the audit trail.
SYSADMIN_PERMISSIONS = frozenset(
    f"{app}.{action}_{model}"
    for app, model in (
        ("accounts", "user"),
        ("accounts", "membership"),
        ("orgs", "organization"),
        ("orgs", "enterprise"),
    )
    for action in ("view", "add", "change")
) | frozenset({"accounts.delete_membership"})


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

    def role_set(self) -> frozenset[str]:
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = frozenset(self.memberships.values_list("role", flat=True))
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
