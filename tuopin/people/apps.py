from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "tuopin.people"
    label = "people"
    verbose_name = "帮扶力量"

    def ready(self):
        from tuopin.core.labels import vocabulary_register
        from tuopin.registry.enums import UnitLevel

        vocabulary_register("unit_level", UnitLevel)

        from tuopin.people.pairing_services import pairings_sync
        from tuopin.registry.changes import registry_follower_register

        # The pairings follow each household's 帮扶责任人 after every registry import.
        registry_follower_register(pairings_sync)

        from tuopin.people.checks.on_copy import mirrored_models
        from tuopin.registry.analytic import mirrors

        # The checks can be counted on the analytic copy (people/checks/on_copy.py).
        mirrors.register(*mirrored_models())
