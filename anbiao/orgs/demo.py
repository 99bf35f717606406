"""Demo data: about 300 enterprises with valid credit codes and one account per role and kind."""

from __future__ import annotations

import random
from typing import Any

from django.contrib.auth import get_user_model
from stdnum.cn import uscc

from anbiao.accounts.models import Membership, Role
from anbiao.orgs.demo_data import CITY_OFFICE, DEPARTMENT_SECTIONS
from anbiao.orgs.models import Enterprise, Organization, OrgKind, RiskLevel, SizeClass

DEMO_PASSWORD = "Anbiao@2024"  # noqa: S105 — printed for the demo; users must change it
N_ENTERPRISES = 300
DEMO_ENTERPRISE = "南安市溪美鑫源石材有限公司"

WORDS = [
    "鑫源",
    "华盛",
    "恒达",
    "宏辉",
    "永兴",
    "金泰",
    "闽南",
    "丰泽",
    "建兴",
    "瑞祥",
    "泰和",
    "嘉禾",
    "福联",
    "顺昌",
    "新华",
    "中联",
    "长城",
    "协力",
    "益民",
    "荣达",
    "兴业",
    "立信",
    "盛世",
    "汇丰",
    "双龙",
    "天成",
    "宝山",
    "青峰",
    "海西",
    "振兴",
    "骏达",
    "隆盛",
    "万家",
    "佳美",
    "安泰",
    "信和",
    "春晖",
    "东升",
    "明辉",
    "凯达",
]
SUFFIX = {
    "A": ["农业开发有限公司", "茶业有限公司", "生态农场"],
    "B": ["矿业有限公司", "石料开采有限公司"],
    "C": [
        "石材有限公司",
        "陶瓷有限公司",
        "水暖器材有限公司",
        "鞋业有限公司",
        "五金制品有限公司",
        "建材有限公司",
    ],
    "D": ["燃气有限公司", "电力有限公司", "水务有限公司"],
    "E": ["建设工程有限公司", "建筑劳务有限公司"],
    "F": ["商贸有限公司", "加油站", "超市有限公司"],
    "G": ["物流有限公司", "运输有限公司"],
    "H": ["大酒店有限公司", "餐饮管理有限公司"],
    "K": ["房地产开发有限公司", "物业管理有限公司"],
    "L": ["商务服务有限公司", "人力资源有限公司"],
    "M": ["检测技术有限公司", "工程咨询有限公司"],
    "N": ["环境工程有限公司", "市政工程有限公司"],
    "O": ["汽车维修有限公司", "家政服务有限公司"],
    "P": ["培训学校", "幼儿园"],
    "Q": ["医院", "养老服务中心"],
    "R": ["文化传媒有限公司", "体育发展有限公司"],
}
SURNAMES = "陈林黄李王张吴刘蔡杨郑许洪傅苏柯"
GIVEN = [
    "志明",
    "建华",
    "秀英",
    "国强",
    "丽娟",
    "文斌",
    "美玲",
    "俊杰",
    "雅婷",
    "振宇",
    "海燕",
    "少华",
    "金水",
    "荣辉",
    "淑芬",
]

DEMO_USERS: tuple[tuple[str, str, str, tuple[str, ...], str], ...] = (
    # (username, full name, organization key, roles, mobile)
    ("city_admin", "周建国", "city", (Role.ORG_ADMIN,), "13800000001"),
    ("city_filler", "林晓燕", "city", (Role.FILLER,), "13800000002"),
    ("city_principal", "陈振华", "city", (Role.PRINCIPAL,), "13800000003"),
    ("city_viewer", "黄文静", "city", (Role.VIEWER,), "13800000004"),
    ("sys_op", "王系统", "city", (Role.SYSADMIN,), "13800000005"),
    ("sec_op", "李安全", "city", (Role.SECADMIN,), "13800000006"),
    ("audit_op", "张审计", "city", (Role.AUDITOR,), "13800000007"),
    ("yjj_admin", "郑志强", "dept", (Role.ORG_ADMIN,), "13800000011"),
    ("yjj_filler", "许丽萍", "dept", (Role.FILLER,), "13800000012"),
    ("yjj_principal", "蔡国明", "dept", (Role.PRINCIPAL,), "13800000013"),
    ("yjj_viewer", "杨小红", "dept", (Role.VIEWER,), "13800000014"),
    ("xm_admin", "洪伟东", "town", (Role.ORG_ADMIN,), "13800000021"),
    ("xm_filler", "傅雅琴", "town", (Role.FILLER,), "13800000022"),
    ("xm_principal", "苏建林", "town", (Role.PRINCIPAL,), "13800000023"),
    ("xm_grid", "柯明亮", "town", (Role.GRID,), "13800000024"),
    ("xm_viewer", "吴秀兰", "town", (Role.VIEWER,), "13800000025"),
    ("qy_admin", "刘海滨", "enterprise", (Role.ORG_ADMIN,), "13800000031"),
    ("qy_filler", "陈美玲", "enterprise", (Role.FILLER,), "13800000032"),
    ("qy_principal", "林志明", "enterprise", (Role.PRINCIPAL,), "13800000033"),
    ("qy_viewer", "黄俊杰", "enterprise", (Role.VIEWER,), "13800000034"),
)
DEMO_DEPARTMENT = "南安市应急管理局"
DEMO_TOWN = "溪美街道"


def org_code(rng: random.Random) -> str:
    """A 9-character organization code with its GB 11714 check character."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    c9 = 11 - sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(c9, str(c9))


def make_credit_code(rng: random.Random, region: str = "350583") -> str:
    first17 = "91" + region + org_code(rng)
    return first17 + uscc.calc_check_digit(first17)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def demo_enterprise_specs(towns: list[Organization]) -> list[dict[str, Any]]:
    """The demo enterprises, computed from a fixed seed only (never from the database)."""
    rng = random.Random(2024)
    dept_names = list(DEPARTMENT_SECTIONS)
    used: set[str] = set()
    specs = []
    for i in range(N_ENTERPRISES):
        code = make_credit_code(rng)
        if i == 0:
            town = next(t for t in towns if t.name == DEMO_TOWN)
            dept_name, section, name = DEMO_DEPARTMENT, "C", DEMO_ENTERPRISE
        else:
            town = towns[rng.randrange(len(towns))]
            dept_name = dept_names[rng.randrange(len(dept_names))]
            section = rng.choice(DEPARTMENT_SECTIONS[dept_name])
            place = town.name.replace("街道", "").replace("镇", "").replace("乡", "")[:2]
            name = f"南安市{place}{rng.choice(WORDS)}{rng.choice(SUFFIX.get(section, SUFFIX['L']))}"
            n = 2
            while name in used:
                name = f"{name.rsplit('（', 1)[0]}（{n}）"
                n += 1
        used.add(name)
        specs.append(
            {
                "code": code,
                "name": name,
                "town": town,
                "department": dept_name,
                "industry": section,
                "size_class": rng.choices(
                    [SizeClass.ABOVE, SizeClass.MEDIUM, SizeClass.SMALL], [2, 3, 5]
                )[0],
                "risk_level": rng.choice(
                    [
                        "",
                        RiskLevel.RED,
                        RiskLevel.ORANGE,
                        RiskLevel.YELLOW,
                        RiskLevel.BLUE,
                        RiskLevel.BLUE,
                    ]
                ),
                "star_level": rng.choices([0, 1, 2, 3], [6, 2, 1, 1])[0],
                "principal": _person(rng),
                "phone": "139" + "".join(rng.choice("0123456789") for _ in range(8)),
                "on_regional_platform": rng.random() < 0.8,
                "address": f"福建省泉州市南安市{town.name}{rng.randint(1, 300)}号",
            }
        )
    return specs


def seed(stdout: Any = None) -> None:
    towns = list(Organization.objects.filter(kind=OrgKind.TOWN).order_by("sort_order"))
    departments = {d.name: d for d in Organization.objects.filter(kind=OrgKind.DEPARTMENT)}
    existing = set(Enterprise.objects.values_list("credit_code", flat=True))
    created = 0
    demo_principal = next(
        full
        for _u, full, key, roles, _m in DEMO_USERS
        if key == "enterprise" and Role.PRINCIPAL in roles
    )
    for spec in demo_enterprise_specs(towns):
        if spec["code"] in existing:
            continue
        if spec["name"] == DEMO_ENTERPRISE:
            spec["principal"] = demo_principal  # the demo 主要负责人 account signs for it
        org = Organization.objects.create(
            kind=OrgKind.ENTERPRISE, name=spec["name"], code=spec["code"]
        )
        Enterprise.objects.create(
            organization=org,
            credit_code=spec["code"],
            principal=spec["principal"],
            phone=spec["phone"],
            address=spec["address"],
            town=spec["town"],
            department=departments[spec["department"]],
            industry=spec["industry"],
            size_class=spec["size_class"],
            star_level=spec["star_level"],
            risk_level=spec["risk_level"],
            on_regional_platform=spec["on_regional_platform"],
        )
        created += 1
    users_created = _seed_users()
    if stdout is not None:
        stdout.write(f"演示企业：新增 {created} 家；演示账号：新增 {users_created} 个。")


def principal_names(orgs: list[Organization]) -> dict[Any, str]:
    """Who signs for each unit in the demo: its 主要负责人 account's name, else the registry's
    主要负责人 of an enterprise, else its contact person, else a name fixed by the unit's name."""
    User = get_user_model()
    ids = [o.pk for o in orgs]
    signing = dict(
        User.objects.filter(organization_id__in=ids, memberships__role=Role.PRINCIPAL)
        .order_by("pk")
        .values_list("organization_id", "full_name")
    )
    registry = dict(
        Enterprise.objects.filter(organization_id__in=ids).values_list(
            "organization_id", "principal"
        )
    )
    return {
        o.pk: signing.get(o.pk)
        or registry.get(o.pk)
        or o.contact_person
        or _person(random.Random(o.name))
        for o in orgs
    }


def demo_organizations() -> dict[str, Organization]:
    return {
        "city": Organization.objects.get(kind=OrgKind.CITY, name=CITY_OFFICE),
        "dept": Organization.objects.get(kind=OrgKind.DEPARTMENT, name=DEMO_DEPARTMENT),
        "town": Organization.objects.get(kind=OrgKind.TOWN, name=DEMO_TOWN),
        "enterprise": Organization.objects.get(kind=OrgKind.ENTERPRISE, name=DEMO_ENTERPRISE),
    }


def _seed_users() -> int:
    User = get_user_model()
    orgs = demo_organizations()
    created = 0
    for username, full_name, key, roles, mobile in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        user = User(username=username, full_name=full_name, organization=orgs[key], mobile=mobile)
        user.set_password(DEMO_PASSWORD)
        user.is_staff = Role.SYSADMIN in roles
        user.save()
        for role in roles:
            Membership.objects.create(user=user, role=role)
        created += 1
    return created


def print_logins(stdout: Any) -> None:
    labels = dict(Role.choices)
    names = {k: o.name for k, o in demo_organizations().items()}
    stdout.write("")
    stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}，可用用户名或手机号登录）：")
    for username, _full, key, roles, mobile in DEMO_USERS:
        role = "、".join(labels[r] for r in roles)
        stdout.write(f"  {username:<16} {mobile}  {role:<8} {names[key]}")
    stdout.write("")
