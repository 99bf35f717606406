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
