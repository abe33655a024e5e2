from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "tuopin.projects"
    label = "projects"
    verbose_name = "项目库与资金"

    def ready(self):
        from tuopin.core.demo_steps import demo_step_register
        from tuopin.projects.demo import projects_demo

        demo_step_register("项目库与资金 (projects, funds)", projects_demo)
        # Each part registers what it adds to the commands and followers here:
        # import kinds (tuopin.core.import_kinds), funds followers (projects.changes).
        from tuopin.core.import_kinds import ImportKind, import_kind_register
        from tuopin.projects.library_import import ProjectsImportReport, import_projects

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
