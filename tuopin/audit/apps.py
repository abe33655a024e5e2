from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tuopin.audit"
    label = "audit"
    verbose_name = "审计"

    def ready(self):
        # Login events come from Django's auth signals: framework hooks, not domain reactions.
        from tuopin.audit import receivers  # noqa: F401
