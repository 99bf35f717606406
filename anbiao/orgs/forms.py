from __future__ import annotations

from typing import Any, cast

from django import forms

from anbiao.accounts.models import ADMIN_ROLES
from anbiao.accounts.roles import grantable_roles, label
from anbiao.core.validators import PhoneField, keep_stored_phones
from anbiao.orgs.models import Enterprise, IndustrySection, Organization, OrgKind, SizeClass
from anbiao.orgs.normalize import clean_name, normalize_credit_code
from anbiao.orgs.selectors import departments, supervising_departments, towns


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(label="名称或信用代码", required=False)
    town = forms.ModelChoiceField(
        label="乡镇/街道", queryset=Organization.objects.none(), required=False, empty_label="全部"
    )
    department = forms.ModelChoiceField(
        label="主管部门", queryset=Organization.objects.none(), required=False, empty_label="全部"
    )
    industry = forms.ChoiceField(
        label="行业门类", choices=[("", "全部"), *IndustrySection.choices], required=False
    )
    size_class = forms.ChoiceField(
        label="企业类型", choices=[("", "全部"), *SizeClass.choices], required=False
    )
    closed = forms.ChoiceField(
        label="状态", choices=[("", "全部"), ("0", "在营"), ("1", "已关闭")], required=False
    )
    sort = forms.ChoiceField(
        label="排序",
        choices=[
            ("name", "名称"),
            ("town", "乡镇"),
            ("department", "主管部门"),
            ("class", "企业类型"),
            ("-updated", "最近更新"),
        ],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Organization]", self.fields["town"]).queryset = towns()
        cast(
            "forms.ModelChoiceField[Organization]", self.fields["department"]
        ).queryset = departments()


class EnterpriseForm(forms.ModelForm):
    name = forms.CharField(label="企业名称", max_length=200)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=40)
    phone = PhoneField(label="联系电话", required=False)
    accept_bad_checksum = forms.BooleanField(
        label="校验位不通过时仍然接受（已核实营业执照）", required=False
    )

    class Meta:
        model = Enterprise
        fields = [
            "principal",
            "phone",
            "address",
            "town",
            "department",
            "other_departments",
            "industry",
            "size_class",
            "star_level",
            "risk_level",
            "on_regional_platform",
            "is_closed",
        ]

    field_order = ["name", "credit_code", "accept_bad_checksum"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # 主管部门 may be a department's sub-unit (执法大队…): the list the registry import
        # matches against too
        for name, queryset in (
            ("town", towns()),
            ("department", supervising_departments()),
            ("other_departments", supervising_departments()),
        ):
            cast("forms.ModelChoiceField[Organization]", self.fields[name]).queryset = queryset
        self.fields["other_departments"].required = False
        if self.instance.pk:
            keep_stored_phones(self, phone=self.instance.phone)
            self.fields["name"].initial = self.instance.organization.name
            self.fields["credit_code"].initial = self.instance.credit_code
            self.fields["credit_code"].disabled = True
            self.fields["credit_code"].help_text = "信用代码是企业的唯一标识，不可修改。"
            del self.fields["accept_bad_checksum"]

    def clean_name(self) -> str:
        name = clean_name(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("请填写企业名称。")
        return name

    def clean_credit_code(self) -> str:
        return normalize_credit_code(self.cleaned_data["credit_code"])


class EnterpriseProfileForm(forms.ModelForm):
    """What an enterprise may change about itself."""

    phone = PhoneField(label="联系电话", required=False)

    class Meta:
        model = Enterprise
        fields = ["principal", "phone", "address"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            keep_stored_phones(self, phone=self.instance.phone)


class OrganizationForm(forms.ModelForm):
    contact_phone = PhoneField(label="联系电话", required=False)

    class Meta:
        model = Organization
        fields = [
            "kind",
            "name",
            "code",
            "parent",
            "contact_person",
            "contact_phone",
            "sort_order",
            "is_active",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            (k, v) for k, v in OrgKind.choices if k != OrgKind.ENTERPRISE
        ]
        parent = cast("forms.ModelChoiceField[Organization]", self.fields["parent"])
        parent.queryset = Organization.objects.exclude(kind=OrgKind.ENTERPRISE)
        self.fields["parent"].required = False
        if self.instance.pk:
            keep_stored_phones(self, contact_phone=self.instance.contact_phone)


ROLE_ERRORS = {
    "required": "请至少选择一个角色。",
    "invalid_choice": "不能授予角色“%(value)s”：您无权授予该角色，或该角色不适用于此单位。",
}


def role_choices(*, by: Any, kind: str, user: Any = None) -> list[tuple[str, str]]:
    """The roles the acting user may give (``anbiao.accounts.roles.grantable_roles``)."""
    return [(r, label(r)) for r in grantable_roles(by=by, kind=kind, user=user)]


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        label="用户名",
        max_length=150,
        regex=r"^[A-Za-z0-9_.\-]+$",
        error_messages={"invalid": "用户名只能包含字母、数字、下划线、点和减号。"},
    )
    full_name = forms.CharField(label="姓名", max_length=50)
    mobile = PhoneField(label="手机号", mobile_only=True, required=False)
    password = forms.CharField(
        label="初始密码",
        widget=forms.PasswordInput,
        strip=False,
        help_text="用户首次登录时须修改。至少8位，包含大写字母、小写字母、数字、特殊字符中的三类。",
    )
    roles = forms.MultipleChoiceField(
        label="角色", widget=forms.CheckboxSelectMultiple, error_messages=ROLE_ERRORS
    )

    def __init__(self, *args: Any, kind: str, by: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = cast(forms.MultipleChoiceField, self.fields["roles"])
        roles.choices = role_choices(by=by, kind=kind)
        roles.help_text = ROLE_HELP if any(r in ADMIN_ROLES for r, _ in roles.choices) else ""


ROLE_HELP = (
    "三员（系统管理员、安全管理员、审计管理员）每个账号只能担任其一，且不能兼任业务角色；"
    "安全管理员、审计管理员须经另一名安全管理员或审计管理员确认后生效。"
)


class UserEditForm(forms.Form):
    """Editing a user; the view passes the stored mobile as ``initial`` (kept if unchanged)."""

    full_name = forms.CharField(label="姓名", max_length=50)
    mobile = PhoneField(label="手机号", mobile_only=True, required=False)
    is_active = forms.BooleanField(
        label="启用", required=False, help_text="停用后该用户的所有会话立即失效。"
    )
    roles = forms.MultipleChoiceField(
        label="角色", widget=forms.CheckboxSelectMultiple, error_messages=ROLE_ERRORS
    )

    def __init__(self, *args: Any, kind: str, by: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = cast(forms.MultipleChoiceField, self.fields["roles"])
        choices = role_choices(by=by, kind=kind, user=user)
        if not choices:
            # One's own account: the roles are shown, not changeable (rule 3).
            roles.choices = [(r, label(r)) for r in sorted(user.stored_roles())]
            roles.disabled = True
            roles.required = False
            roles.help_text = "不能修改自己的角色，请由其他管理员修改。"
        else:
            roles.choices = choices
            roles.help_text = ROLE_HELP if any(r in ADMIN_ROLES for r, _ in choices) else ""
        keep_stored_phones(self, mobile=self.initial.get("mobile", ""))
