import pytest
from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import OrganizationFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("login", ["zhangsan", "13811112222"])
def test_a_user_logs_in_with_username_or_mobile_and_lands_on_the_home_page(client, login):
    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道")
    make_user(town, Role.GRID, username="zhangsan", mobile="13811112222")
    response = client.post(
        reverse("accounts:login"), {"username": login, "password": "Test@12345"}, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("core:home")
    assert "溪美街道" in html and "网格员" in html


def test_a_wrong_password_gets_the_same_message_as_an_unknown_user(client):
    make_user(OrganizationFactory.create(), Role.VIEWER, username="lisi")
    wrong = client.post(reverse("accounts:login"), {"username": "lisi", "password": "nope"})
    unknown = client.post(reverse("accounts:login"), {"username": "nobody", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 200
    assert "用户名/手机号或密码不正确" in wrong.content.decode()
    assert "用户名/手机号或密码不正确" in unknown.content.decode()
