from django.urls import reverse

from anbiao.core.menu import NavItem
from anbiao.core.navigation import NavGroup, fold


def test_items_fold_into_groups_in_menu_order_and_single_items_stay_flat():
    items = [
        NavItem("工作台", reverse("dashboards:home")),
        NavItem("回头看细则填报", reverse("checklists:mine")),
        NavItem("整改清单", reverse("rectification:ledger"), badge=2),
        NavItem("专项行动", reverse("campaigns:list")),
        NavItem("动态清零", reverse("rectification:zeroing"), badge=1),
        NavItem("用户管理", reverse("orgs:user_list")),
        NavItem("企业底数台账", reverse("orgs:enterprise_list")),
    ]
    entries = fold(items)
    labels = [e.label for e in entries]
    assert labels == ["工作台", "回头看", "整改与检查", "用户管理", "企业底数台账"]
    review = entries[1]
    assert isinstance(review, NavGroup) and [i.label for i in review.items] == [
        "回头看细则填报",
        "专项行动",
    ]
    assert entries[2].badge == 3
    # The 系统 group holds a single item here, so it shows as that item.
    assert isinstance(entries[3], NavItem)


def test_no_persona_is_offered_a_menu_link_or_card_its_rule_refuses(db) -> None:  # noqa: ANN001
    from django.urls import resolve

    from anbiao.core.menu import HomeCard, home_cards, nav_items
    from anbiao.core.tests.world import build_world

    world = build_world()
    checked = 0
    for persona, user in world.users.items():
        if user is None or not user.is_active:
            continue
        items: list[NavItem | HomeCard] = [*nav_items(user), *home_cards(user)]
        for item in items:
            if item.url:
                rule = getattr(resolve(item.url.split("?")[0]).func, "access_rule")  # noqa: B009
                assert rule.allows(user), (persona, item)
                checked += 1
    assert checked > 50


def test_the_three_admins_are_not_offered_business_messages(db) -> None:  # noqa: ANN001
    from anbiao.accounts.models import Role
    from anbiao.core.menu import nav_items
    from anbiao.core.tests.world import build_world

    world = build_world()
    for role in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR):
        urls = [i.url for i in nav_items(world.users[f"city:{role}"])]
        assert reverse("notifications:list") not in urls, role
    assert reverse("notifications:list") in [
        i.url for i in nav_items(world.users["enterprise:filler"])
    ]


def test_a_badge_counts_what_is_in_the_database_on_every_page(client, db) -> None:  # noqa: ANN001
    """No cached menu: a message that arrives between two pages shows on the second one."""
    import re

    from anbiao.accounts.models import Role
    from anbiao.accounts.tests.helpers import login_fully
    from anbiao.notifications.models import Kind
    from anbiao.notifications.services import notify
    from anbiao.orgs.tests.factories import EnterpriseFactory, make_user

    user = make_user(EnterpriseFactory.create().organization, Role.FILLER)
    login_fully(client, user)

    def badge() -> str | None:
        html = client.get(reverse("core:home")).content.decode()
        nav = html.split('aria-label="主菜单"', 1)[1].split("</nav>", 1)[0]
        found = re.search(r'消息 <span class="badge">(\d+)</span>', nav)
        return found.group(1) if found else None

    assert badge() is None
    for n in (1, 2):
        notify(user=user, kind=Kind.DEADLINE, title=f"提醒{n}", dedupe_key=f"t{n}")
        assert badge() == str(n)
