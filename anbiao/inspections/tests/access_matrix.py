"""Inspections: who may record (department/town/city writers, a town's 网格员) and who may see
(the inspecting unit, the inspected organization for completed ones, the city office)."""

from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.core.tests.matrix import Case, allow, nobody
from anbiao.orgs.models import OrgKind

GOV = (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN)
ALL = (*GOV, OrgKind.ENTERPRISE)
BUSINESS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.GRID, Role.VIEWER)
WRITERS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL)
RECORDERS = (*WRITERS, Role.GRID)


def _dept_draft(w):  # noqa: ANN001, ANN202
    """A draft inspection of ``ent`` by ``dept`` with one finding and one photo."""
    from anbiao.inspections.tests.helpers import inspection

    return inspection(
        w.users["department:filler"], w.ent.organization, findings=("消防通道堵塞",), photo=True
    )


def _town_done(w):  # noqa: ANN001, ANN202
    """A completed inspection of ``ent`` by ``town``'s 网格员."""
    from anbiao.inspections.tests.helpers import inspection

    return inspection(
        w.users["town:grid"],
        w.ent.organization,
        findings=("灭火器过期",),
        photo=True,
        complete=True,
    )


def _other_done(w):  # noqa: ANN001, ANN202
    """A completed inspection of ``ent_other`` by ``dept_other`` (nobody's in the world)."""
    from anbiao.inspections.tests.helpers import inspection
    from anbiao.orgs.tests.factories import make_user

    user = make_user(w.dept_other, Role.FILLER, username="other_dept_filler")
    return inspection(
        user, w.ent_other.organization, findings=("安全出口锁闭",), photo=True, complete=True
    )


def _other_draft(w):  # noqa: ANN001, ANN202
    from anbiao.inspections.tests.helpers import inspection
    from anbiao.orgs.tests.factories import make_user

    user = make_user(w.dept_other, Role.FILLER, username="other_dept_filler2")
    return inspection(user, w.ent_other.organization, findings=("安全出口锁闭",), photo=True)


def _city_of_dept(*, complete: bool):  # noqa: ANN202
    """The city office's inspection of ``dept`` (a government unit), draft or completed."""

    def make(w):  # noqa: ANN001, ANN202
        from anbiao.inspections.tests.helpers import inspection

        return inspection(
            w.users["city:filler"],
            w.dept,
            findings=("月报未按时报送",),
            photo=True,
            complete=complete,
        )

    return make


def _with_checklist(build):  # noqa: ANN001, ANN202
    def make(w):  # noqa: ANN001, ANN202
        from anbiao.checklists.tests.helpers import campaign
        from anbiao.inspections import services

        camp = campaign()
        insp = build(w)
        insp.campaign = camp
        insp.save(update_fields=["campaign"])
        return services.inspection_checklist_start(by=insp.recorded_by, inspection=insp)

    return make


def url(name, build, *extra):  # noqa: ANN001, ANN201
    def make(w):  # noqa: ANN001, ANN202
        insp = build(w)
        args = [insp.pk]
        for e in extra:
            args.append(e(insp))
        return reverse(name, args=args)

    return make


def first_finding(insp):  # noqa: ANN001, ANN201
    return insp.findings.first().pk


def first_photo(insp):  # noqa: ANN001, ANN201
    return insp.photos.first().pk


SEE_DEPT_DRAFT = allow([OrgKind.CITY, OrgKind.DEPARTMENT], BUSINESS)
# the inspected government unit sees the city office's inspection of itself once completed only
SEE_CITY_DRAFT = allow([OrgKind.CITY], BUSINESS)
SEE_CITY_DONE = allow([OrgKind.CITY, OrgKind.DEPARTMENT], BUSINESS)
# the original photos: the inspecting unit and the city office, never the inspected one
ORIGINAL_TOWN_DONE = allow([OrgKind.CITY, OrgKind.TOWN], BUSINESS)
SEE_TOWN_DONE = allow([OrgKind.CITY, OrgKind.TOWN, OrgKind.ENTERPRISE], BUSINESS)
CITY_ONLY = allow([OrgKind.CITY], BUSINESS)
EDIT_DEPT = allow([OrgKind.DEPARTMENT], WRITERS)
EDIT_DEPT_POST = allow([OrgKind.DEPARTMENT], WRITERS, ok=302)
# A completed inspection: its unit's recorders pass the scope, the view says "已完成" (302).
EDIT_TOWN_DONE_POST = allow([OrgKind.TOWN], RECORDERS, ok=302)

CASES = [
    Case(
        "inspections:inspection_list",
        "scope",
        lambda w: reverse("inspections:inspection_list"),
        allow(ALL, BUSINESS),
    ),
    Case(
        "inspections:inspection_export",
        "scope",
        lambda w: reverse("inspections:inspection_export"),
        allow(ALL, BUSINESS),
    ),
    Case(
        "inspections:inspection_create",
        "form",
        lambda w: reverse("inspections:inspection_create"),
        allow(GOV, RECORDERS),
    ),
    Case(
        "inspections:target_options",
        "search",
        lambda w: reverse("inspections:target_options") + "?target_q=测试",
        allow(GOV, RECORDERS),
    ),
    Case(
        "inspections:never_inspected",
        "scope",
        lambda w: reverse("inspections:never_inspected"),
        allow(GOV, BUSINESS),
    ),
    Case(
        "inspections:inspection_detail",
        "own",
        url("inspections:inspection_detail", _dept_draft),
        SEE_DEPT_DRAFT,
    ),
    Case(
        "inspections:inspection_detail",
        "own-completed",
        url("inspections:inspection_detail", _town_done),
        SEE_TOWN_DONE,
    ),
    Case(
        "inspections:inspection_detail",
        "other",
        url("inspections:inspection_detail", _other_done),
        CITY_ONLY,
    ),
    Case(
        "inspections:inspection_detail",
        "target-draft",
        url("inspections:inspection_detail", _city_of_dept(complete=False)),
        SEE_CITY_DRAFT,
    ),
    Case(
        "inspections:inspection_detail",
        "target-completed",
        url("inspections:inspection_detail", _city_of_dept(complete=True)),
        SEE_CITY_DONE,
    ),
    Case(
        "inspections:inspection_edit",
        "own",
        url("inspections:inspection_edit", _dept_draft),
        EDIT_DEPT,
    ),
    Case(
        "inspections:inspection_edit",
        "own-completed",
        url("inspections:inspection_edit", _town_done),
        allow([OrgKind.TOWN], RECORDERS, ok=302),
    ),
    Case(
        "inspections:inspection_edit",
        "other",
        url("inspections:inspection_edit", _other_draft),
        nobody(),
    ),
    Case(
        "inspections:finding_add",
        "own",
        url("inspections:finding_add", _dept_draft),
        EDIT_DEPT,
        method="post",
    ),
    Case(
        "inspections:finding_add",
        "other",
        url("inspections:finding_add", _other_draft),
        nobody(),
        method="post",
    ),
    Case(
        "inspections:finding_remove",
        "own",
        url("inspections:finding_remove", _dept_draft, first_finding),
        EDIT_DEPT_POST,
        method="post",
    ),
    Case(
        "inspections:finding_remove",
        "other",
        url("inspections:finding_remove", _other_draft, first_finding),
        nobody(),
        method="post",
    ),
    Case(
        "inspections:photo_add",
        "own",
        url("inspections:photo_add", _dept_draft),
        EDIT_DEPT_POST,
        method="post",
    ),
    Case(
        "inspections:photo_add",
        "other",
        url("inspections:photo_add", _other_draft),
        nobody(),
        method="post",
    ),
    Case(
        "inspections:photo_file",
        "own",
        url("inspections:photo_file", _dept_draft, first_photo),
        SEE_DEPT_DRAFT,
    ),
    Case(
        "inspections:photo_file",
        "own-completed",
        url("inspections:photo_file", _town_done, first_photo),
        SEE_TOWN_DONE,
    ),
    Case(
        "inspections:photo_file",
        "other",
        url("inspections:photo_file", _other_done, first_photo),
        CITY_ONLY,
    ),
    Case(
        "inspections:photo_file",
        "target-draft",
        url("inspections:photo_file", _city_of_dept(complete=False), first_photo),
        SEE_CITY_DRAFT,
    ),
    Case(
        "inspections:photo_file",
        "target-completed",
        url("inspections:photo_file", _city_of_dept(complete=True), first_photo),
        SEE_CITY_DONE,
    ),
    Case(
        "inspections:photo_original",
        "own",
        url("inspections:photo_original", _dept_draft, first_photo),
        SEE_DEPT_DRAFT,
    ),
    Case(
        "inspections:photo_original",
        "own-completed",
        url("inspections:photo_original", _town_done, first_photo),
        ORIGINAL_TOWN_DONE,
    ),
    Case(
        "inspections:photo_original",
        "target-completed",
        url("inspections:photo_original", _city_of_dept(complete=True), first_photo),
        CITY_ONLY,
    ),
    Case(
        "inspections:photo_original",
        "other",
        url("inspections:photo_original", _other_done, first_photo),
        CITY_ONLY,
    ),
    Case(
        "inspections:inspection_complete",
        "own",
        url("inspections:inspection_complete", _dept_draft),
        EDIT_DEPT_POST,
        method="post",
    ),
    Case(
        "inspections:inspection_complete",
        "own-completed",
        url("inspections:inspection_complete", _town_done),
        EDIT_TOWN_DONE_POST,
        method="post",
    ),
    Case(
        "inspections:inspection_complete",
        "other",
        url("inspections:inspection_complete", _other_draft),
        nobody(),
        method="post",
    ),
    Case(
        "inspections:checklist_start",
        "own",
        url("inspections:checklist_start", _dept_draft),
        EDIT_DEPT_POST,
        method="post",
    ),
    Case(
        "inspections:checklist_start",
        "other",
        url("inspections:checklist_start", _other_draft),
        nobody(),
        method="post",
    ),
    Case(
        "inspections:checklist_fill",
        "own",
        url("inspections:checklist_fill", _with_checklist(_dept_draft)),
        SEE_DEPT_DRAFT,
    ),
    Case(
        "inspections:checklist_fill",
        "target-draft",
        url("inspections:checklist_fill", _with_checklist(_city_of_dept(complete=False))),
        SEE_CITY_DRAFT,
    ),
    Case(
        "inspections:checklist_fill",
        "other",
        url("inspections:checklist_fill", _with_checklist(_other_draft)),
        CITY_ONLY,
    ),
    # 离线检查: the page, the units it keeps, the queue's endpoint (an empty draft: 422)
    Case(
        "inspections:offline_page",
        "form",
        lambda w: reverse("inspections:offline_page"),
        allow(GOV, RECORDERS),
    ),
    Case(
        "inspections:offline_targets",
        "scope",
        lambda w: reverse("inspections:offline_targets"),
        allow(GOV, RECORDERS),
    ),
    Case(
        "inspections:offline_sync",
        "post",
        lambda w: reverse("inspections:offline_sync"),
        allow(GOV, RECORDERS, ok=422),
        method="post",
    ),
    # code without data, open to anyone (the phone re-checks it after the session expired)
    Case(
        "inspections:service_worker",
        "public",
        lambda w: reverse("inspections:service_worker"),
        allow(anon=200),
    ),
    Case(
        "inspections:manifest",
        "public",
        lambda w: reverse("inspections:manifest"),
        allow(anon=200),
    ),
]
