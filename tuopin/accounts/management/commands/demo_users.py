from django.core.management.base import BaseCommand

from tuopin.accounts.demo import demo_users_ensure


class Command(BaseCommand):
    help = "创建演示用户（每个角色一个）并打印登录信息 (create demo users, print logins)"

    def handle(self, *args, **options):
        logins = demo_users_ensure()
        self.stdout.write("演示账号 (demo logins):")
        for login in logins:
            self.stdout.write(
                f"  {login['username']:<10} {login['password']}  {login['role']} · {login['region']}"
            )
