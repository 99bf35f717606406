import pytest
from django.core.management import call_command
from stdnum.cn import uscc

from anbiao.accounts.models import User
from anbiao.orgs.models import Enterprise, Organization, OrgKind

pytestmark = pytest.mark.django_db


def counts():
    return (Organization.objects.count(), Enterprise.objects.count(), User.objects.count())


def test_seeding_twice_changes_nothing_and_codes_are_valid():
    call_command("seed_demo", "--quiet-logins")
    first = counts()
    call_command("seed_demo", "--quiet-logins")
    assert counts() == first
    assert Organization.objects.filter(kind=OrgKind.TOWN).count() == 27
    assert Organization.objects.filter(kind=OrgKind.DEPARTMENT).count() >= 20
    assert Enterprise.objects.count() == 300
    assert all(uscc.is_valid(c) for c in Enterprise.objects.values_list("credit_code", flat=True))
    assert not User.objects.filter(username__in=["admin", "root"]).exists()


def test_every_phone_of_the_demo_data_passes_the_phone_rule_as_stored():
    from anbiao.core.validators import normalize_mobile, normalize_phone
    from anbiao.reports.models import ReportVersion
    from anbiao.stats.models import StatsSubmission

    call_command("seed_demo", "--quiet-logins")
    phones = [
        *Enterprise.objects.values_list("phone", flat=True),
        *Organization.objects.values_list("contact_phone", flat=True),
        *StatsSubmission.objects.values_list("phone", flat=True),
        *ReportVersion.objects.values_list("contact_phone", flat=True),
    ]
    assert phones and all(normalize_phone(p) == p for p in phones)
    mobiles = [m for m in User.objects.values_list("mobile", flat=True) if m]
    assert mobiles and all(normalize_mobile(m) == m for m in mobiles)
