from django.core.management.base import BaseCommand

from tuopin.accounts.roles import permissions_markdown


class Command(BaseCommand):
    help = "打印角色权限表 (print the role permissions table)"

    def add_arguments(self, parser):
        parser.add_argument("--markdown", action="store_true", help="as docs/permissions.md")

    def handle(self, *args, **options):
        self.stdout.write(permissions_markdown(), ending="")
