"""Load test of the production server as docs/deploy.md starts it.

Starts gunicorn with the documented environment file and the web unit's command line
(both read from docs/deploy.md; only the database, the secret key, the folders and the
port are this run's), logs in N clients as the demo users, and for a duration has each
of them browse like a cadre: household list, search, household page and the API, with a
pause between clicks. Requests go to 127.0.0.1 only and carry what nginx would add
(Host, X-Forwarded-For, X-Forwarded-Proto: https). Prints count, errors and
p50/p95/p99 per route, and the load average while it ran.

Usage (a database already holding a registry, e.g. seeded by benchmarks/registry.py):
    .venv/bin/python benchmarks/load.py \\
        --database-url postgres://postgres@127.0.0.1:5432/tuopin_load \\
        --clients 50 --duration 600
"""

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "deploy.md"
HOST = "127.0.0.1"  # never anything else
MAX_CLIENTS, MAX_DURATION = 200, 3600
PASSWORD = "Tuopin-2018!"  # tuopin/accounts/demo.py
# Who browses the registry, and how many of the clients each is (cadres far outnumber
# the offices).
USERS = {"village": 4, "township": 3, "county": 2, "city": 1, "auditor": 1}
# What a cadre does, by weight.
MIX = {
    "list": 20,  # household list, first page, with or without a filter
    "search": 20,  # by name, ID number or household number
    "household": 30,  # one household's page, then its two htmx panels
    "api list": 15,  # /api/v1/households
    "api household": 15,  # /api/v1/households/{id}
}


PANEL = re.compile(r'hx-get="([^"]+)" hx-trigger="load"')


def documented_environment() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"<!-- tuopin\.env -->\s*```[a-z]*\n(.*?)```", text, re.S).group(1)
    env = {}
    for line in block.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip()
    return env


def documented_gunicorn(port: int) -> list[str]:
    """The web unit's ExecStart, with this venv's gunicorn and this run's port."""
    text = DOC.read_text(encoding="utf-8")
    unit = re.search(r"<!-- tuopin-web\.service -->\s*```ini\n(.*?)```", text, re.S).group(1)
    command = shlex.split(re.search(r"^ExecStart=(.*)$", unit, re.M).group(1))
    command[0] = str(ROOT / ".venv" / "bin" / "gunicorn")
    command[command.index("--bind") + 1] = f"{HOST}:{port}"
    return command


def samples_for_users(database_url: str) -> dict[str, dict]:
    """Per demo user: household ids, names, ID numbers and household numbers in scope."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("TUOPIN_ENV", "development")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from tuopin.registry.models import Member
    from tuopin.registry.selectors import household_list_for_user

    found = {}
    for username in USERS:
        user = get_user_model().objects.get(username=username)
        ids = list(household_list_for_user(user).order_by("?").values_list("id", flat=True)[:300])
        members = list(
            Member.objects.filter(household_id__in=ids[:100]).values_list(
                "name", "id_number", "household__number"
            )
        )
        regions = sorted(
            {
                code[:9]
                for code in household_list_for_user(user)
                .filter(id__in=ids[:50])
                .values_list("village_id", flat=True)
            }
        )
        found[username] = {"ids": ids, "members": members, "regions": regions}
    from django.db import connection

    connection.close()
    return found


class Client:
    """One person: a session cookie, a CSRF token, a pause between clicks."""

    def __init__(self, port: int, host_name: str, address: str, username: str):
        self.port, self.host_name, self.address, self.username = port, host_name, address, username
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: dict | None = None, headers: dict | None = None
    ) -> tuple[int, bytes]:
        headers = {
            **(headers or {}),
            "Host": self.host_name,
            "X-Forwarded-For": self.address,  # as nginx appends it
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Accept-Language": "zh-CN",
        }
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://{self.host_name}{path}"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            content = response.read()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            return response.status, content
        finally:
            connection.close()

    def log_in(self) -> None:
        status, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": self.username, "password": PASSWORD},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login of {self.username} failed: HTTP {status}")


def path_for(route: str, sample: dict, rng: random.Random) -> str:
    quote = urllib.parse.quote
    if route == "list":
        choice = rng.choice(["", "?status=1", "?status=2", "region"])
        if choice == "region" and sample["regions"]:
            choice = f"?region={rng.choice(sample['regions'])}"
        return "/registry/households/" + (choice if choice != "region" else "")
    if route == "search" or route == "api list":
        name, id_number, number = rng.choice(sample["members"])
        text = rng.choice([name, id_number, number])
        if route == "search":
            return f"/registry/households/?q={quote(text)}"
        return rng.choice(["/api/v1/households", f"/api/v1/households?q={quote(text)}"])
    household = rng.choice(sample["ids"])
    if route == "household":
        return f"/registry/households/{household}/"
    return f"/api/v1/households/{household}"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=600, help="seconds of browsing")
    parser.add_argument("--think", type=float, default=2.0, help="mean pause between clicks, s")
    parser.add_argument("--port", type=int, default=8777)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if not 1 <= args.clients <= MAX_CLIENTS or not 0 < args.duration <= MAX_DURATION:
        parser.error(f"1..{MAX_CLIENTS} clients and at most {MAX_DURATION} s")

    samples = samples_for_users(args.database_url)
    folder = Path(tempfile.mkdtemp(prefix="tuopin-load-"))
    env = {**os.environ, **documented_environment()}
    env.pop("PYTEST_VERSION", None)
    env.update(
        TUOPIN_ENV="production",
        DATABASE_URL=args.database_url,
        SECRET_KEY=secrets.token_urlsafe(50),
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
    )
    host_name = env["ALLOWED_HOSTS"].split(",")[0]
    command = documented_gunicorn(args.port)
    print("server:", " ".join(command), flush=True)
    log = (folder / "gunicorn.log").open("wb")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        run(args, samples, host_name, server)
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
        print(f"gunicorn log: {folder / 'gunicorn.log'}")


def run(args, samples: dict, host_name: str, server: subprocess.Popen) -> None:
    for _ in range(60):
        try:
            http.client.HTTPConnection(HOST, args.port, timeout=2).connect()
            break
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn stopped; see its log") from None
            time.sleep(0.5)
    # Each gunicorn worker loads Django on its first request: not part of the figures.
    for _ in range(20):
        warm = Client(args.port, host_name, "10.20.255.1", "city")
        warm.request("GET", "/accounts/login/")
    people = [name for name, weight in USERS.items() for _ in range(weight)]
    clients = [
        Client(args.port, host_name, f"10.20.{n // 250}.{n % 250 + 1}", people[n % len(people)])
        for n in range(args.clients)
    ]
    timings: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    lock = threading.Lock()
    started = time.monotonic()
    for client in clients:  # logins, one after the other as people arrive
        begin = time.perf_counter()
        try:
            client.log_in()
        except Exception as error:  # noqa: BLE001 - counted and shown
            errors["login"].append(str(error))
        timings["login"].append(time.perf_counter() - begin)
    print(f"{len(clients)} logins in {time.monotonic() - started:.1f} s", flush=True)

    loads: list[tuple[float, float, float]] = []
    stop = threading.Event()
    deadline = time.monotonic() + args.duration
    routes, weights = list(MIX), list(MIX.values())

    def browse(index: int, client: Client) -> None:
        rng = random.Random(index)
        sample = samples[client.username]
        time.sleep(rng.uniform(0, args.think))  # do not all click at once
        while time.monotonic() < deadline:
            route = rng.choices(routes, weights)[0]
            path = path_for(route, sample, rng)
            begin = time.perf_counter()
            try:
                status, body = client.request("GET", path)
                problem = None if status == 200 else f"HTTP {status} {path}"
            except Exception as error:  # noqa: BLE001 - counted and shown
                problem = f"{type(error).__name__}: {error} {path}"
            took = time.perf_counter() - begin
            with lock:
                timings[route].append(took)
                if problem:
                    errors[route].append(problem)
            if route == "household" and not problem:
                # The page's htmx panels (evaluation, cases), loaded by the browser at once.
                for panel in PANEL.findall(body.decode("utf-8", "replace")):
                    begin = time.perf_counter()
                    try:
                        status, _ = client.request("GET", panel, headers={"HX-Request": "true"})
                        problem = None if status == 200 else f"HTTP {status} {panel}"
                    except Exception as error:  # noqa: BLE001 - counted and shown
                        problem = f"{type(error).__name__}: {error} {panel}"
                    with lock:
                        timings["household panel"].append(time.perf_counter() - begin)
                        if problem:
                            errors["household panel"].append(problem)
            time.sleep(rng.expovariate(1 / args.think))

    def watch() -> None:
        while not stop.wait(10):
            loads.append(os.getloadavg())

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    threads = [
        threading.Thread(target=browse, args=(n, c), daemon=True) for n, c in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    report(args, timings, errors, loads)


def report(args, timings, errors, loads) -> None:
    total = sum(len(v) for k, v in timings.items() if k != "login")
    figures = {
        "clients": args.clients,
        "duration_s": args.duration,
        "think_s": args.think,
        "requests": total,
        "requests_per_s": round(total / args.duration, 1),
        "errors": sum(len(v) for v in errors.values()),
        "load_1min": {
            "min": min((x[0] for x in loads), default=None),
            "mean": round(statistics.mean(x[0] for x in loads), 2) if loads else None,
            "max": max((x[0] for x in loads), default=None),
        },
        "routes": {},
    }
    print(f"{'route':<16} {'count':>7} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    every = [t for k, v in timings.items() if k != "login" for t in v]
    for route, values in [*timings.items(), ("all but login", every)]:
        row = {
            "count": len(values),
            "errors": len(errors.get(route, [])) if route != "all but login" else None,
            "p50_ms": round(percentile(values, 0.50) * 1000),
            "p95_ms": round(percentile(values, 0.95) * 1000),
            "p99_ms": round(percentile(values, 0.99) * 1000),
        }
        figures["routes"][route] = row
        shown = "" if row["errors"] is None else row["errors"]
        print(
            f"{route:<16} {row['count']:>7} {shown:>6} {row['p50_ms']:>7} "
            f"{row['p95_ms']:>7} {row['p99_ms']:>7}"
        )
    print(
        f"{total} requests in {args.duration:.0f} s ({figures['requests_per_s']}/s), "
        f"{figures['errors']} errors; load average (1 min) over the run: "
        f"{figures['load_1min']}; cpus {os.cpu_count()}"
    )
    for route, problems in errors.items():
        for problem in problems[:5]:
            print(f"  error {route}: {problem}")
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
