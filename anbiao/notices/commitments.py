"""The text of the two commitments (承诺书) the enterprises sign.

The campaign notice names the two commitments (附件1 第4项第（3）条, 附件2 第1项第（2）条) but does
not give their wording; this is the platform's standard text, written from the duties of
《中华人民共和国安全生产法》 (Articles 4, 5, 21 and 22, the 2021 revision). The text is copied into each
:class:`~anbiao.notices.models.Commitment` when it is signed, so a signed 承诺书 never changes
when this wording does.
"""

from __future__ import annotations

from anbiao.notices.models import COMMITMENT_TITLES, NoticeKind

_CLOSING = (
    "本单位自愿作出以上承诺，并在本单位公示栏公示，接受职工和社会监督；如违反承诺，愿承担相应责任。"
)

PARAGRAPHS: dict[str, tuple[str, ...]] = {
    NoticeKind.STANDARDIZATION: (
        "本单位已收到《关于自主加强安全生产标准化建设告知书》，知悉安全生产标准化建设的各项要求，郑重承诺：",
        "一、严格遵守《中华人民共和国安全生产法》等法律法规，把安全生产标准化建设作为落实安全生产主体责任的重要措施，由主要负责人亲自部署、全面负责。",
        "二、对照安全生产标准化有关标准和本行业要求，自主开展“回头看”自查自纠，建立安全检查清单、隐患清单、整改清单，发现问题立即整改、闭环管理、动态清零。",
        "三、持续运行安全生产标准化管理体系，不搞“纸上标准化”，不弄虚作假，如实报送自查自纠情况和相关数据。",
        "四、自觉接受各级政府及有关部门的监督检查，对检查发现的问题按期整改到位。",
        _CLOSING,
    ),
    NoticeKind.RESPONSIBILITY: (
        "本单位已收到《关于落实全员安全生产责任制告知书》，知悉全员安全生产责任制的各项要求，郑重承诺：",
        "一、严格遵守《中华人民共和国安全生产法》，建立健全并落实全员安全生产责任制；主要负责人是本单位安全生产第一责任人，对本单位的安全生产工作全面负责。",
        "二、明确从主要负责人到一线从业人员每个岗位的责任人员、责任范围和考核标准，做到一岗一责、全员覆盖。",
        "三、加强全员安全生产责任制的公示、教育培训和考核，保证全员安全生产责任制落实到位。",
        "四、自觉接受各级政府及有关部门的监督检查，对检查发现的问题按期整改到位。",
        _CLOSING,
    ),
}


def commitment_title(kind: str) -> str:
    return COMMITMENT_TITLES[NoticeKind(kind)]


def commitment_text(kind: str) -> str:
    """The commitment body for ``kind``, one paragraph a line."""
    return "\n".join(PARAGRAPHS[NoticeKind(kind)])
