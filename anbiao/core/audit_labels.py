"""Chinese names of the audit action codes, shown to the auditor (the code stays available).

Every code written anywhere (``log_action(obj, "anbiao.<entity>.<verb>", ...)``) has its
label here; ``anbiao/core/tests/test_audit_labels.py`` scans the source and fails on a code
without one. Codes built at run time (``f"anbiao.problem.{action}"``) are listed one by one.
"""

from __future__ import annotations

ACTION_LABELS: dict[str, str] = {
    # 登录与账号安全
    "anbiao.auth.login": "登录",
    "anbiao.auth.logout": "退出",
    "anbiao.auth.login_failed": "登录失败",
    "anbiao.auth.locked_out": "登录锁定",
    "anbiao.auth.unlocked": "解除登录锁定",
    "anbiao.auth.lock_lifted": "本人以密码和动态口令解除锁定",
    "anbiao.auth.ip_unlocked": "解除 IP 锁定",
    "anbiao.auth.password_changed": "修改密码",
    "anbiao.auth.totp_enabled": "启用动态口令",
    "anbiao.auth.totp_verified": "动态口令验证通过",
    "anbiao.auth.totp_failed": "动态口令错误",
    "anbiao.auth.totp_locked": "动态口令锁定",
    "anbiao.auth.totp_reset": "重置动态口令",
    "anbiao.access.denied": "拒绝访问",
    "anbiao.apitoken.created": "创建接口令牌",
    "anbiao.apitoken.revoked": "吊销接口令牌",
    "anbiao.admin.created": "后台新增",
    "anbiao.admin.updated": "后台修改",
    "anbiao.admin.deleted": "后台删除",
    # 审计日志本身
    "anbiao.audit.exported": "导出审计日志",
    "anbiao.audit.checkpoint": "写出审计检查点",
    "anbiao.audit.key_rotated": "更换审计日志密钥",
    # 文件下载（anbiao.core.downloads）
    "anbiao.file.downloaded": "下载文件",
    # 单位、企业、用户
    "anbiao.organization.created": "新增单位",
    "anbiao.organization.updated": "修改单位",
    "anbiao.enterprise.created": "新增企业",
    "anbiao.enterprise.updated": "修改企业信息",
    "anbiao.enterprise.exported": "导出企业底数台账",
    "anbiao.registry.imported": "导入企业底数台账",
    "anbiao.registry.mapping_saved": "保存底数台账的列对应关系",
    "anbiao.user.created": "新增用户",
    "anbiao.user.updated": "修改用户",
    "anbiao.user.roles_changed": "修改用户角色",
    "anbiao.user.role_grant_requested": "申请授予管理员角色",
    "anbiao.user.role_grant_confirmed": "确认授予管理员角色",
    "anbiao.user.role_grant_refused": "拒绝授予管理员角色",
    "anbiao.user.role_grant_cancelled": "撤回管理员角色授予申请",
    # 专项行动
    "anbiao.campaign.created": "新建专项行动",
    "anbiao.campaign.updated": "修改专项行动",
    "anbiao.campaign.opened": "专项行动开始填报",
    "anbiao.campaign.closed": "专项行动结束",
    # 回头看细则
    "anbiao.checklist.started": "开始填报细则",
    "anbiao.checklist.answer_saved": "保存细则答复",
    "anbiao.checklist.workbook_imported": "导入离线填写的细则（Excel）",
    "anbiao.checklist.evidence_attached": "上传细则佐证材料",
    "anbiao.checklist.evidence_removed": "删除细则佐证材料",
    "anbiao.checklist.submitted": "提交细则",
    "anbiao.checklist.accepted": "审核通过细则",
    "anbiao.checklist.returned": "退回细则",
    "anbiao.checklist.exported": "导出细则",
    # 问题与整改
    "anbiao.problem.recorded": "登记问题",
    "anbiao.problem.described": "修改问题描述",
    "anbiao.problem.plan_saved": "填写五定",
    "anbiao.problem.evidence_added": "上传整改佐证",
    "anbiao.problem.evidence_removed": "删除整改佐证",
    "anbiao.problem.start": "开始整改",
    "anbiao.problem.submit": "提交验收",
    "anbiao.problem.verify": "验收通过并销号",
    "anbiao.problem.reject": "验收不通过",
    "anbiao.problem.withdraw": "撤销问题",
    "anbiao.problem.reopen": "重新打开已销号的问题",
    "anbiao.problem.extension_requested": "申请延长整改期限",
    "anbiao.problem.extension_granted": "同意延长整改期限",
    "anbiao.problem.extension_refused": "不同意延长整改期限",
    "anbiao.problem.exported": "导出隐患整改台账",
    # 自查自纠报告
    "anbiao.report.started": "开始撰写自查自纠报告",
    "anbiao.report.draft_saved": "保存报告草稿",
    "anbiao.report.docx_uploaded": "上传修改后的报告",
    "anbiao.report.signed": "报告签字",
    "anbiao.report.finalized": "报告定稿",
    "anbiao.report.version_started": "开始报告新版本",
    "anbiao.report.exported": "导出自查自纠报告",
    # 督导检查
    "anbiao.inspection.created": "新建督导检查",
    "anbiao.inspection.updated": "修改督导检查",
    "anbiao.inspection.checklist_started": "开始逐条检查",
    "anbiao.inspection.checklist_saved": "保存逐条检查",
    "anbiao.inspection.finding_added": "记录检查发现的问题",
    "anbiao.inspection.finding_removed": "删除检查发现的问题",
    "anbiao.inspection.photos_added": "上传现场照片",
    "anbiao.inspection.completed": "完成督导检查",
    "anbiao.inspection.exported": "导出督导检查台账",
    "anbiao.inspection.offline_synced": "接收离线检查草稿",
    "anbiao.inspection.offline_conflict": "离线检查草稿冲突（未写入）",
    # 经验做法与工作机制
    "anbiao.record.created": "新增经验做法或工作机制",
    "anbiao.record.updated": "修改经验做法或工作机制",
    "anbiao.record.evidence_added": "上传佐证材料",
    "anbiao.record.evidence_removed": "删除佐证材料",
    "anbiao.record.submitted": "提交经验做法或工作机制",
    "anbiao.record.withdrawn": "撤回经验做法或工作机制",
    "anbiao.record.selected": "选为典型",
    "anbiao.record.unselected": "取消选为典型",
    "anbiao.record.exported": "导出经验做法与工作机制",
    # 执法
    "anbiao.enforcement_case.created": "新增执法案例",
    "anbiao.enforcement_case.updated": "修改执法案例",
    "anbiao.exposure_batch.created": "新建曝光批次",
    "anbiao.exposure_batch.updated": "修改曝光批次",
    "anbiao.exposure_batch.published": "发布曝光批次",
    "anbiao.monthly_report.submitted": "报送执法月报",
    "anbiao.monthly_report.resubmitted": "重新报送执法月报",
    "anbiao.enforcement_priority.marked": "标记执法重点对象",
    "anbiao.enforcement_priority.ended": "解除执法重点对象",
    # 告知书与承诺书
    "anbiao.notice.issued": "下发告知书",
    "anbiao.notice.delivered": "送达告知书",
    "anbiao.notice.acknowledged": "签收告知书",
    "anbiao.commitment.signed": "签订承诺书",
    "anbiao.notice.posted": "上传公示照片",
    "anbiao.notice.ledger_exported": "导出告知书送达台账",
    # 统计表
    "anbiao.stats.submitted": "报送统计表",
    "anbiao.stats.returned": "退回统计表",
    "anbiao.stats.accepted": "接收统计表",
    "anbiao.stats.unapproved": "撤销接收统计表",
    "anbiao.stats.adjusted": "调整统计数",
    "anbiao.stats.exported": "导出统计表",
    # 报送任务
    "anbiao.report_task.created": "下发报送任务",
    "anbiao.report_task.updated": "修改报送任务",
    "anbiao.report_submission.saved": "保存报送内容",
    "anbiao.report_submission.file_removed": "删除报送附件",
    "anbiao.report_submission.submitted": "报送",
    "anbiao.report_submission.returned": "退回报送",
    # 培训宣传、评审达标、星级评定
    "anbiao.work_record.created": "新增工作记录",
    "anbiao.work_record.linked": "工作记录关联到细则",
    "anbiao.work_record.unlinked": "取消工作记录与细则的关联",
    "anbiao.review_result.created": "记录评审结果",
    "anbiao.star_application.created": "新建星级评定申请",
    "anbiao.star_application.submit": "提交星级评定申请",
    "anbiao.star_application.propose": "部门审核并建议星级",
    "anbiao.star_application.refuse": "部门不予推荐",
    "anbiao.star_application.approve": "批准星级",
    "anbiao.star_application.reject": "不予批准星级",
    "anbiao.star_application.plaque": "授牌",
    "anbiao.star_application.superseded": "星级被新的评定取代",
    # 报送事项
    "anbiao.obligations.extension_requested": "申请延期报送",
    "anbiao.obligations.extension_granted": "同意延期报送",
    "anbiao.obligations.extension_refused": "不同意延期报送",
}


def action_label(code: str) -> str:
    """The Chinese name of an action code; the code itself when it has none (never "")."""
    return ACTION_LABELS.get(code, code)


def object_type_label(model_label: str) -> str:
    """The Chinese name of an audited object's model (``checklists.answer`` → 细则答复)."""
    from django.apps import apps

    if not model_label:
        return ""
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        return "其他"
    return str(model._meta.verbose_name)
