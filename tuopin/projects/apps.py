from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "tuopin.projects"
    label = "projects"
    verbose_name = "项目库与资金"

    def ready(self):
        from tuopin.core.demo_steps import demo_step_register
        from tuopin.projects.demo import projects_demo

        demo_step_register("项目库与资金 (projects, funds)", projects_demo)
        from tuopin.projects import warnings_jobs  # noqa: F401 - registers the job kind
        from tuopin.projects.changes import funds_follower_register

        funds_follower_register(warnings_jobs.warnings_follow)
        # Each part registers what it adds to the commands and followers here:
        # import kinds (tuopin.core.import_kinds), funds followers (projects.changes).
