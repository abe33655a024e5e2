from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tuopin.audit"
    label = "audit"
    verbose_name = "审计"

    def ready(self):
        # Login events come from Django's auth signals: framework hooks, not domain reactions.
        from tuopin.audit import receivers  # noqa: F401
        from tuopin.audit.models import OBJECT_TYPES, AccessKind
        from tuopin.core.labels import vocabulary_register

        vocabulary_register("access_kind", AccessKind)
        vocabulary_register("object_type", OBJECT_TYPES)
