"""Production settings: the server refuses to start without its own SECRET_KEY or with
DEBUG, and `tuopin check --deploy` is clean with exactly the environment file of
docs/deploy.md. Each case starts a fresh Python, as systemd would."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY_DOC = ROOT / "docs" / "deploy.md"
# What a developer's shell or the test run may have set, and a server has not.
# (The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright's event loop.)
NOT_ON_A_SERVER = {"PYTEST_VERSION", "TUOPIN_ENV", "SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
NOT_ON_A_SERVER |= {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def tuopin(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in NOT_ON_A_SERVER}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from tuopin.cli import main; main(sys.argv[1:])",
            *args,
        ],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = tuopin("check", env={"TUOPIN_SQLITE_PATH": str(tmp_path / "db.sqlite3")})
    assert result.returncode != 0
    assert "生产环境必须设置 SECRET_KEY" in result.stderr
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_the_development_key_and_debug(tmp_path):
    db = {"TUOPIN_SQLITE_PATH": str(tmp_path / "db.sqlite3")}
    key = {"SECRET_KEY": "tuopin-insecure-development-key-change-me"}
    assert "SECRET_KEY" in tuopin("check", env={**db, **key}).stderr
    result = tuopin("check", env={**db, "SECRET_KEY": secrets.token_urlsafe(50), "DEBUG": "1"})
    assert result.returncode != 0 and "DEBUG is refused in production" in result.stderr
    wrong = tuopin("check", env={**db, "TUOPIN_ENV": "prod"})
    assert wrong.returncode != 0 and "TUOPIN_ENV must be production or development" in (
        wrong.stderr
    )


def test_production_starts_with_a_secret_key_and_development_without(tmp_path):
    db = {"TUOPIN_SQLITE_PATH": str(tmp_path / "db.sqlite3")}
    result = tuopin("check", env={**db, "SECRET_KEY": secrets.token_urlsafe(50)})
    assert result.returncode == 0, result.stderr
    result = tuopin("check", env={**db, "TUOPIN_ENV": "development"})
    assert result.returncode == 0, result.stderr


def test_make_and_ci_run_as_development():
    """`make run`, `make test` and `.ci/run` (which calls make) need nothing set by hand."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "TUOPIN_ENV ?= development" in makefile and "export TUOPIN_ENV" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def documented_environment() -> dict[str, str]:
    """The environment file of docs/deploy.md (the block after `<!-- tuopin.env -->`)."""
    text = DEPLOY_DOC.read_text(encoding="utf-8")
    block = re.search(r"<!-- tuopin\.env -->\s*```[a-z]*\n(.*?)```", text, re.S)
    assert block, "docs/deploy.md has no environment file block"
    env = {}
    for line in block.group(1).splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip()
    return env


def test_the_documented_environment_names_every_setting_read_from_the_environment():
    documented = set(documented_environment())
    text = (ROOT / "config" / "base.py").read_text(encoding="utf-8")
    read = set(re.findall(r'(?:environ\.get|env_bool|env_list)\(\s*"([A-Z_]+)"', text))
    read |= set(re.findall(r'environ\["([A-Z_]+)"\]', text))
    # Development-only or SQLite-only settings are described in the doc's text instead.
    elsewhere = {"TUOPIN_SQLITE_PATH", "TUOPIN_SQLITE_TEST_PATH", "SQLITE_BUSY_TIMEOUT", "DEBUG"}
    elsewhere |= {"CONTENT_SECURITY_POLICY"}  # the built-in policy is the documented one
    # The upload limits are documented with the import, each in docs/registry.md's table.
    registry_doc = (ROOT / "docs" / "registry.md").read_text(encoding="utf-8")
    uploads = {name for name in read if name.startswith("TUOPIN_UPLOAD_")}
    assert uploads and all(f"`{name}`" in registry_doc for name in uploads)
    assert read - elsewhere - uploads - documented == set()


def test_check_deploy_is_clean_with_the_documented_environment(tmp_path):
    env = documented_environment()
    assert env["TUOPIN_ENV"] == "production"
    # The doc tells the administrator to generate the key; the folders are this test's.
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env["STATIC_ROOT"], env["MEDIA_ROOT"] = str(tmp_path / "static"), str(tmp_path / "media")
    result = tuopin("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_sqlite_busy_timeout_is_on_every_connection(tmp_path):
    """Whatever database the suite runs on, a SQLite deployment's connection is checked."""
    script = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])\n"
        "    c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])\n"
    )
    env = {"TUOPIN_ENV": "development", "TUOPIN_SQLITE_PATH": str(tmp_path / "db.sqlite3")}
    base = {k: v for k, v in os.environ.items() if k not in NOT_ON_A_SERVER | {"DATABASE_URL"}}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from tuopin.cli import main; main(sys.argv[1:])",
            "shell",
            "--no-imports",
            "-c",
            script,
        ],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["60000", "wal"], result.stderr


def test_the_documented_environment_turns_https_and_the_proxy_on(tmp_path):
    env = documented_environment()
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env["STATIC_ROOT"], env["MEDIA_ROOT"] = str(tmp_path / "static"), str(tmp_path / "media")
    script = (
        "from django.conf import settings as s\n"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.TUOPIN_TRUSTED_PROXIES, s.DEBUG, sep='|')\n"
    )
    result = tuopin("shell", "--no-imports", "-c", script, env=env)
    assert result.stdout.strip().split("|") == [
        "True",
        "31536000",
        "True",
        "('HTTP_X_FORWARDED_PROTO', 'https')",
        "True",
        "True",
        "['127.0.0.1', '::1']",
        "False",
    ], result.stderr
