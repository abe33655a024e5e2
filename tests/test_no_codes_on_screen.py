"""No code, status or English word on a Chinese screen (issue 12, section 3).

Every demo role logs in and crawls the site as a reader would: from the navigation and
from a household page, following the `<a href>` and htmx `hx-get` links of the site
(each page, that is each view, once per role). On every page the visible text (tags,
scripts, styles and attribute values stripped) holds no Latin word except those that
ALLOWED_WORDS and ALLOWED_PATTERNS name. The same pages in English show English.

To extend: a start page goes in START_PAGES, a word a Chinese screen may show in
ALLOWED_WORDS (with its reason), a link that must not be followed in SKIP. A page that
another part of the site links to is found without any change here.

`TUOPIN_SCREEN_DUMP=/some/dir` writes each page's visible text there, for reading.
"""

import os
import re
import shutil
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from conftest import copy_module_media, rows_for_a_module
from tuopin.accounts.demo import _demo_regions
from tuopin.accounts.services import job_submit
from tuopin.cases.demo import demo_setup
from tuopin.core.jobs import worker_loop
from tuopin.people.demo import people_demo
from tuopin.registry.enums import EXITED
from tuopin.registry.models import Household
from tuopin.registry.services import household_update, member_record_event

# One worker sets the demo up once for all the module's tests (pytest-xdist would split
# them, and each worker would set it up).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("screen_demo")]

# ------------------------------------------------------------------ what a page may show

ALLOWED_WORDS = {
    # names of things the reader meets outside the platform, said so in Chinese too
    "API",
    "Excel",
    "IP",  # IP 地址
    "DuckDB",  # the analytical engine a run may use, named as its makers name it
    "A4",  # the paper a public notice is printed on
    "Ctrl",  # the print shortcut Ctrl+P
    "P",
    # file types a reader picks or receives
    "xlsx",
    "xlsm",
    "xls",
    "csv",
    "jpg",  # an attachment's accepted types (a notice-board photo, minutes)
    "jpeg",
    "png",
    "pdf",
    # the grades of the national housing-safety appraisal are written A级 … D级 in Chinese
    "A",
    "B",
    "C",
    "D",
    # the language switch offers English in English
    "English",
}
ALLOWED_PATTERNS = [
    re.compile(r"^\d{6}[\d*]{8}[\d*]{3}[\dXx*]$"),  # an ID number, whole or masked
    re.compile(r"^[\w\-]+\.(xlsx|xlsm|xls|csv)$", re.IGNORECASE),  # a file name
]

# Links not followed: they leave the HTML pages, change something or leave the UI.
SKIP = [
    re.compile(r"^/api/"),  # the API and its OpenAPI page are for developers
    re.compile(r"^/admin/"),  # Django's admin, for the system administrator
    re.compile(r"^/i18n/"),
    re.compile(r"^/(static|media)/"),
    re.compile(r"/logout/"),
    re.compile(r"/download/"),
    re.compile(r"/export/"),
    re.compile(r"/reveal/"),  # a logged look at a full ID number (tested in registry)
]

# Every crawl starts from the navigation (on the home page) and a household page; the
# jobs, cases, runs, ledgers and coverage checks are reached by their links.
# A start page the role may not open (the registry's household page for a sector user,
# the ledgers' for the hotline) is left out: it is no link anyone was shown.
START_PAGES = [
    lambda demo: reverse("web:home"),
    lambda demo: reverse("accounts:profile"),
    lambda demo: reverse("registry:household", args=[demo["household"].pk]),
    lambda demo: reverse("assistance:household", args=[demo["household"].pk]),
    lambda demo: reverse("assistance:coverage_parameters"),
]

# Pages that differ by more than an id: one visit per value of these URL arguments.
DISTINCT_BY = {"kind"}
PER_ROLE = 150  # pages at most, for one role


# ------------------------------------------------------------------ reading a page


class Page(HTMLParser):
    """The visible text of a page, and the links it offers.

    An element marked `translate="no"` (the HTML standard's "not to be translated")
    holds an identifier shown on purpose beside its label (a login name, a standard's
    rule expression for its editors): its text is not a label and is not checked."""

    HIDDEN = {"script", "style", "template", "noscript"}
    VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "col", "area"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self._hidden = 0
        self._open: list[tuple[str, bool]] = []  # open elements: (tag, hides its text)
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag not in self.VOID:
            hides = tag in self.HIDDEN or attributes.get("translate") == "no"
            self._open.append((tag, hides))
            self._hidden += hides
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if attributes.get("hx-get"):  # a part of the page htmx loads
            self.links.append(attributes["hx-get"])

    def handle_endtag(self, tag):
        # Close up to the matching element (HTML allows leaving some end tags out).
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                self._hidden -= sum(hides for _tag, hides in self._open[index:])
                del self._open[index:]
                break

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.text.append(data.strip())


TOKEN = re.compile(r"[0-9A-Za-z_.\-*]+")
LETTER = re.compile(r"[A-Za-z]")


def latin_words(text: str) -> list[str]:
    """The words of a text in Latin letters that no rule allows."""
    found = []
    for token in TOKEN.findall(text):
        token = token.strip(".-*")
        if not LETTER.search(token) or token in ALLOWED_WORDS:
            continue
        if any(pattern.match(token) for pattern in ALLOWED_PATTERNS):
            continue
        found.append(token)
    return found


def page_shape(path: str) -> str | None:
    """Which page a path shows: its view, and the arguments that make it another page."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    distinct = sorted(f"{k}={v}" for k, v in match.kwargs.items() if k in DISTINCT_BY)
    return " ".join([match.view_name, *distinct])


def crawl(client: Client, starts: list[str]) -> dict[str, tuple[int, Page]]:
    """GET pages breadth first from `starts`, each page once: the HTML pages by URL."""
    pages: dict[str, tuple[int, Page]] = {}
    queue, shapes = [], set()
    for start in starts:
        shapes.add(page_shape(start))
        queue.append(start)
    while queue and len(pages) < PER_ROLE:
        url = queue.pop(0)
        response = client.get(url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        if url in starts and response.status_code in (302, 403):
            continue  # a start page this role does not open
        page = Page(response.content.decode())
        pages[url] = (response.status_code, page)
        for href in page.links:
            link = urljoin(url, href).split("#")[0]
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue  # another site, mailto:, javascript:
            if any(rule.search(parts.path) for rule in SKIP):
                continue
            shape = page_shape(parts.path)
            if shape is None or shape in shapes:
                continue
            shapes.add(shape)
            queue.append(link)
    return pages


def _dump(directory: str, language: str, username: str, url: str, page: Page) -> None:
    name = re.sub(r"[^\w]+", "_", url).strip("_") or "home"
    path = Path(directory) / language / username / f"{name}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{url}\n\n" + "\n".join(page.text), encoding="utf-8")


# ------------------------------------------------------------------ a small demo


class _Quiet:
    def write(self, text):
        pass


def _jobs(county, region_code: str) -> list[int]:
    """Finished jobs people meet most: an export, and an import (dry run) of the exported
    file with its result summary (rows, written, warnings…)."""
    export = job_submit(
        acting_user=county, kind="registry.export", region_code=region_code, params={}
    )
    worker_loop(once=True, heartbeat=False)
    export.refresh_from_db()
    upload = Path(settings.MEDIA_ROOT) / "uploads" / f"{'0' * 31}1.xlsx"
    upload.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(settings.MEDIA_ROOT) / export.result_file, upload)
    imported = job_submit(
        acting_user=county,
        kind="registry.import",
        region_code=region_code,
        params={"upload": f"uploads/{upload.name}", "name": "建档立卡.xlsx", "dry_run": True},
    )
    worker_loop(once=True, heartbeat=False)
    return [imported.pk, export.pk]


@pytest.fixture(scope="module")
def built_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo users over the demo itself at a small scale (`tuopin demo`): cases waiting
    at every step, an objection, a return, monitoring, evaluation runs, indicators and the
    quality scorecard; plus a household with a history and finished jobs. Set up once for
    the module's tests, each in a savepoint of it (conftest.rows_for_a_module)."""
    media = tmp_path_factory.mktemp("screen-media")
    with rows_for_a_module(django_db_blocker, media) as building:
        with building():
            users = sorted(
                login["username"] for login in demo_setup(households=150, seed=1)["logins"]
            )
            regions = _demo_regions()
            User = get_user_model()
            village = User.objects.get(username="village")
            county = User.objects.get(username="county")
            household = (
                Household.objects.filter(village=regions["village"], status__in=EXITED)
                .order_by("pk")
                .first()
            )
            household_update(
                acting_user=village,
                household=household,
                version=household.version,
                attributes={
                    "main_fuel": "4",
                    "housing_grade": "B",
                    "owns_house": True,
                    "phone": "1",
                },
            )
            member = household.members.order_by("pk").last()
            member_record_event(
                acting_user=village,
                member=member,
                kind="move_out",
                when=member.birth_date,
                note="外出",
            )
            jobs = _jobs(county, regions["county"].code)
            # Teams, pairings and visits, branches, enterprises, workshops, ratings.
            people_demo(
                region_code=regions["county"].code,
                year=2018,
                seed=1,
                if_empty=False,
                say=lambda t: None,
            )
        yield {"users": users, "household": household.pk, "jobs": jobs}, media


@pytest.fixture
def demo(built_demo, db):
    keys, media = built_demo
    copy_module_media(media)
    return {**keys, "household": Household.objects.get(pk=keys["household"])}


def _client(username: str, language: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _crawl(demo, username: str, language: str) -> dict[str, tuple[int, Page]]:
    pages = crawl(_client(username, language), [start(demo) for start in START_PAGES])
    if os.environ.get("TUOPIN_SCREEN_DUMP"):
        for url, (_status, page) in pages.items():
            _dump(os.environ["TUOPIN_SCREEN_DUMP"], language, username, url, page)
    return pages


def test_no_code_or_english_word_on_any_chinese_page_for_any_role(demo):
    found: dict[str, set[str]] = defaultdict(set)
    visited = set()
    for username in demo["users"]:
        for url, (status, page) in _crawl(demo, username, "zh-hans").items():
            visited.add(page_shape(urlsplit(url).path))
            if status >= 400:  # a link shown to someone who may not follow it, or a crash
                found[f"HTTP {status}"].add(f"{username} {url}")
            for word in latin_words(" ".join(page.text)):
                found[word].add(f"{username} {url}")
    report = "\n".join(
        f"{word!r} on {len(where)} pages, e.g. {sorted(where)[0]}"
        for word, where in sorted(found.items())
    )
    assert not found, f"raw codes or English words on Chinese pages:\n{report}"
    # The crawl reached the pages it is about (a broken link finder passes vacuously).
    for view in ("registry:household", "cases:case", "policy:run", "web:job", "quality:list"):
        assert any(shape and shape.startswith(view) for shape in visited), view


def test_the_same_pages_in_english_show_english(demo):
    pages = _crawl(demo, "city", "en")
    assert len(pages) > 20
    home = " ".join(pages[reverse("web:home")][1].text)
    assert "Log out" in home and "Home" in home and "退出登录" not in home
    profile = " ".join(pages[reverse("accounts:profile")][1].text)
    assert "View regions" in profile and "City poverty-alleviation office" in profile
    assert "registry.view" not in profile
    for url, (_status, page) in pages.items():
        text = " ".join(page.text)
        assert "退出登录" not in text, url
