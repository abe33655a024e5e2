from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "tuopin.projects"
    label = "projects"
    verbose_name = "项目库与资金"

    def ready(self):
        # What the app adds to the commands of the apps below it: its demo step
        # (tuopin demo), its imports (tuopin import projects|funds|payments); and the
        # warnings recomputed after every write of the funds (a job, projects.changes).
        from tuopin.core.demo_steps import demo_step_register
        from tuopin.core.import_kinds import ImportKind, import_kind_register
        from tuopin.projects import warnings_jobs  # registers the job kind
        from tuopin.projects.changes import funds_follower_register
        from tuopin.projects.demo import projects_demo
        from tuopin.projects.funds_import import register_funds_imports
        from tuopin.projects.library_import import ProjectsImportReport, import_projects

        demo_step_register("项目库与资金 (projects, funds)", projects_demo)
        import_kind_register(
            ImportKind(
                name="projects",
                label="县级项目库",
                help="县级项目库（xlsx、xls 或 csv），见 docs/formats/projects.md",
                run=lambda file, *, dry_run, partial: import_projects(
                    file, dry_run=dry_run, partial=partial
                ),
                empty=ProjectsImportReport,
            )
        )
        register_funds_imports()
        funds_follower_register(warnings_jobs.warnings_follow)

        from tuopin.projects.warning_rules.on_copy import mirrored_models
        from tuopin.registry.analytic import mirrors

        # The warning rules can be read from the analytic copy (warning_rules/on_copy.py).
        mirrors.register(*mirrored_models())
