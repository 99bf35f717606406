from django.apps import AppConfig


class WorklogConfig(AppConfig):
    name = "anbiao.worklog"
    verbose_name = "培训宣传与星级评定"

    def ready(self) -> None:
        from anbiao.checklists import hooks
        from anbiao.worklog.selectors import linked_records_for_answers, linked_records_probe

        hooks.linked_records.register(linked_records_for_answers)
        hooks.linked_records_probe.register(linked_records_probe)
