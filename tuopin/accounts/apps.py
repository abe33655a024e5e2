from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tuopin.accounts"
    label = "accounts"
    verbose_name = "用户与角色"

    def ready(self):
        from django.contrib.auth import get_user_model
        from simple_history import register

        from tuopin.accounts.roles import Permission, Role
        from tuopin.core.labels import vocabulary_register

        vocabulary_register("role", Role)
        vocabulary_register("permission", Permission)

        user_model = get_user_model()
        if not hasattr(user_model, "history"):
            register(user_model, app=__package__, table_name="accounts_historicaluser")
