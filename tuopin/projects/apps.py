from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "tuopin.projects"
    label = "projects"
    verbose_name = "项目库与资金"
