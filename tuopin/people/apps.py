from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "tuopin.people"
    label = "people"
    verbose_name = "帮扶力量"

    def ready(self):
        from tuopin.core.labels import vocabulary_register
        from tuopin.registry.enums import UnitLevel

        vocabulary_register("unit_level", UnitLevel)
