"""The loaded templates equal the source document, character for character; loading is versioned."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from anbiao.checklists import builtin
from anbiao.checklists.models import Clause, Item, Section, Template, TemplateVersion
from anbiao.checklists.tests.helpers import loaded_version

SEED_NAME = "000_77558b0ad38f11b4.txt"


def find_seed() -> Path | None:
    here = Path(__file__).resolve()
    repo = here.parents[3]
    for candidate in (
        repo.parent / "shared" / "seed" / SEED_NAME,
        repo / ".." / "shared" / "seed" / SEED_NAME,
        Path("/work/shared/seed") / SEED_NAME,
    ):
        if candidate.exists():
            return candidate
    return None


SEED = find_seed()
needs_seed = pytest.mark.skipif(
    SEED is None, reason=f"source document {SEED_NAME} not found beside the clone (../shared/seed)"
)

SECTION_START = re.compile(r"^[一二三四五六七八九十]+、$")
ITEM = re.compile(r"^(\d+)\.")
CLAUSE = re.compile(r"^（(\d+)）\s*(.*)$")


def parse_source(lines: list[str]) -> list[dict]:
    """An independent reading of one attachment's table: sections, items, clauses."""
    sections: list[dict] = []
    i = 0
    while i < len(lines):
        s = lines[i].strip()
        i += 1
        if not s or s in ("项目", "“回头看”内容", "“回头看”细则", "存在问题", "备注"):
            continue
        if SECTION_START.match(s):
            title = s
            # The title is broken over lines until the first item ("1.") or a blank line.
            while i < len(lines) and lines[i].strip() and not ITEM.match(lines[i].strip()):
                title += lines[i].strip()
                i += 1
            sections.append({"title": title, "items": []})
        elif ITEM.match(s):
            sections[-1]["items"].append({"text": s, "clauses": []})
        else:
            clauses = sections[-1]["items"][-1]["clauses"]
            m = CLAUSE.match(s)
            if m:
                clauses.append((int(m.group(1)), m.group(2)))
            else:  # 附件1 item 12: the first clause carries no number in the file
                assert not clauses, f"unexpected line: {s}"
                clauses.append((1, s))
    return sections


def source_attachments() -> tuple[list[dict], list[dict]]:
    assert SEED is not None  # the tests that read it are skipped without it
    text = SEED.read_text(encoding="utf-8").splitlines()
    start2 = next(i for i, line in enumerate(text) if line.strip() == "附件2")
    start3 = next(i for i, line in enumerate(text) if line.strip() == "附件3")
    header2 = next(i for i in range(start2, start3) if text[i].strip() == "备注")
    header1 = next(i for i in range(start2) if text[i].strip() == "备注")
    return parse_source(text[header1 + 1 : start2]), parse_source(text[header2 + 1 : start3])


def loaded(code: str) -> list[dict]:
    version = loaded_version(code)
    out = []
    for section in version.sections.order_by("position"):
        items = []
        for item in section.items.order_by("position"):
            clauses = [(c.number, c.text) for c in item.clauses.order_by("position")]
            items.append({"text": item.text, "clauses": clauses})
        out.append({"title": section.title, "items": items})
    return out


def counts(sections: list[dict]) -> tuple[int, int, int]:
    items = [it for s in sections for it in s["items"]]
    return len(sections), len(items), sum(len(it["clauses"]) for it in items)


@needs_seed
@pytest.mark.django_db
def test_the_loaded_templates_equal_the_source_document_character_for_character() -> None:
    builtin.load()
    att1, att2 = source_attachments()
    assert counts(att1) == (4, 15, 22)
    assert counts(att2) == (10, 20, 51)
    for expected, code in ((att1, "fujian1_2024"), (att2, "fujian2_2024")):
        got = loaded(code)
        assert counts(got) == counts(expected)
        for s_exp, s_got in zip(expected, got, strict=True):
            assert s_got["title"] == s_exp["title"]
            for i_exp, i_got in zip(s_exp["items"], s_got["items"], strict=True):
                assert i_got["text"] == i_exp["text"]
                assert i_got["clauses"] == i_exp["clauses"]


@needs_seed
@pytest.mark.django_db
def test_known_texts_are_exact() -> None:
    builtin.load()
    v2 = loaded_version("fujian2_2024")
    v1 = loaded_version("fujian1_2024")
    assert v2.template.kind == "enterprise" and v1.template.kind == "government"
    assert [s.title for s in v2.sections.order_by("position")][:2] == [
        "一、目标职责",
        "二、机构和职责",
    ]
    assert v1.sections.get(position=2).title == "二、“两化”融合"
    assert v2.items.get(position=1).text == "1.制定标准化创建、运行、提升计划。"
    first = v2.clauses.get(position=1)
    assert first.full_text.startswith(
        "（1）是否在本单位公示栏公示属地乡镇（街道、开发区）《关于加强"
    )
    item12 = v1.items.get(number=12)
    c = item12.clauses.order_by("position").first()
    assert c is not None
    assert c.number == 1 and c.text.startswith("做好本行业领域所有生产经营单位纳入“泉州市")
    assert v2.meta["header"] == ["企业名称：", "主要负责人：（签字）", "时间："]


@pytest.mark.django_db
def test_loading_twice_changes_nothing() -> None:
    builtin.load()
    before = (TemplateVersion.objects.count(), Clause.objects.count(), Item.objects.count())
    assert builtin.load() == []
    assert (TemplateVersion.objects.count(), Clause.objects.count(), Item.objects.count()) == before
    assert Template.objects.count() == 2
    assert Section.objects.count() == 14


@pytest.mark.django_db
def test_a_changed_file_makes_a_new_version_and_old_checklists_keep_theirs(
    tmp_path, django_user_model
) -> None:  # noqa: ANN001
    from anbiao.checklists.tests import helpers
    from anbiao.orgs.tests.factories import EnterpriseFactory

    shutil.copy(builtin.DATA_DIR / "fujian2_2024.yaml", tmp_path / "fujian2_2024.yaml")
    shutil.copy(builtin.DATA_DIR / "fujian1_2024.yaml", tmp_path / "fujian1_2024.yaml")
    builtin.load(directory=tmp_path)
    ent = EnterpriseFactory.create()
    old = helpers.start(ent.organization)
    assert old.template_version.version == 1
    path = tmp_path / "fujian2_2024.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "车间地上标线是否设置到位；", "车间地面标线是否设置到位；"
        ),
        encoding="utf-8",
    )
    new = builtin.load(directory=tmp_path)
    assert [(v.template.code, v.version) for v in new] == [("fujian2_2024", 2)]
    assert loaded_version("fujian2_2024").clauses.filter(text__startswith="车间地面").count() == 1
    old.refresh_from_db()
    assert old.template_version.version == 1
    assert old.answers.filter(clause__text__startswith="车间地上标线").count() == 1
    assert builtin.load(directory=tmp_path) == []


@pytest.mark.django_db
def test_a_malformed_file_is_refused_with_the_place_of_the_error(tmp_path) -> None:  # noqa: ANN001
    from django.core.exceptions import ValidationError

    (tmp_path / "bad.yaml").write_text(
        "code: bad\ntitle: 坏\nkind: enterprise\nsections:\n- title: 一、甲\n  items:\n"
        "  - number: 2\n    text: 2.乙\n    clauses:\n    - number: 1\n      text: 丙\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match="内容编号应为 1"):
        builtin.load(directory=tmp_path)
    assert not Template.objects.filter(code="bad").exists()
