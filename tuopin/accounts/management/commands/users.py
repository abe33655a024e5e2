from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tuopin.accounts.services import api_token_issue, assignment_grant, user_create
from tuopin.core.errors import TuopinError
from tuopin.core.regioncodes import expand_code
from tuopin.regions.models import Region


class Command(BaseCommand):
    help = "用户管理：create 新建用户，grant 分配角色，token 创建接口令牌"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="新建用户并分配第一个角色")
        create.add_argument("username")
        create.add_argument("--password", required=True)
        create.add_argument("--name", default="")
        create.add_argument("--role", required=True)
        create.add_argument("--region", required=True, help="区划代码或前缀")
        create.add_argument("--organisation", default="")
        create.add_argument("--department", default="", help="行业部门（仅 sector 角色）")
        grant = sub.add_parser("grant", help="给已有用户再分配一个角色")
        grant.add_argument("username")
        grant.add_argument("--role", required=True)
        grant.add_argument("--region", required=True)
        grant.add_argument("--department", default="", help="行业部门（仅 sector 角色）")
        token = sub.add_parser("token", help="创建接口令牌（只显示一次）")
        token.add_argument("username")
        token.add_argument("--name", default="api")

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"_{action}")(options)
        except TuopinError as error:
            raise CommandError(str(error)) from error

    def _region(self, text: str) -> Region:
        code = expand_code(text)
        region = Region.objects.filter(code=code).first() if code else None
        if region is None:
            raise TuopinError(
                "region_unknown",
                f"区划代码 {text} 不存在",
                f"unknown region code {text}",
                field="region",
            )
        return region

    def _user(self, username: str):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise TuopinError(
                "user_unknown", f"用户 {username} 不存在", f"no user {username}", field="username"
            )
        return user

    def _create(self, options):
        user = user_create(
            acting_user=None,
            username=options["username"],
            password=options["password"],
            full_name=options["name"],
            role=options["role"],
            region=self._region(options["region"]),
            organisation=options["organisation"],
            department=options["department"],
        )
        self.stdout.write(f"已创建用户 {user.username} (user created)")

    def _grant(self, options):
        assignment = assignment_grant(
            acting_user=None,
            user=self._user(options["username"]),
            role=options["role"],
            region=self._region(options["region"]),
            department=options["department"],
        )
        self.stdout.write(f"已分配 {assignment} (assignment granted)")

    def _token(self, options):
        _, raw = api_token_issue(
            acting_user=None, user=self._user(options["username"]), name=options["name"]
        )
        self.stdout.write(raw)
