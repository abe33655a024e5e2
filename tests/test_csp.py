"""Content-Security-Policy: every page allows only this server's files, and no template
carries what such a policy blocks (inline script or style, event handlers, javascript:
URLs). A template that slipped one in would break silently in the browser, so every
template file of every app is read here."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted(ROOT.glob("tuopin/*/templates/**/*.html"))
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}  # data, never run


class InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        line = self.getpos()[0]
        kind = (values.get("type") or "").lower()
        if tag == "script" and not values.get("src") and kind not in DATA_SCRIPT_TYPES:
            self.found.append(f"line {line}: inline <script>")
        if tag == "style":
            self.found.append(f"line {line}: <style> element")
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on"):
                self.found.append(f"line {line}: {name}= handler")
            if name == "style":
                self.found.append(f"line {line}: style= attribute")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"line {line}: javascript: URL in {name}")


def inline_parts(text: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(text)
    finder.close()
    # Template tags can hide an attribute from the HTML parser ({% if %} inside a tag).
    found = finder.found
    found += [f"handler {m.group(0).strip()}" for m in re.finditer(r"\son[a-z]+\s*=", text)]
    found += [f"hx-on {m.group(0)}" for m in re.finditer(r"hx-on[:\-\w]*\s*=", text)]
    return found


def test_the_finder_finds_what_the_policy_blocks():
    """Proves the scan below can fail."""
    page = """<p style="color:red" onclick="x()"><a href="javascript:alert(1)">a</a></p>
    <script>alert(1)</script><style>p{}</style><div hx-on:click="x()"></div>
    <script src="/static/ok.js"></script><script type="application/json">{}</script>"""
    found = inline_parts(page)
    assert any("style= attribute" in f for f in found)
    assert any("onclick" in f for f in found)
    assert any("javascript:" in f for f in found)
    assert any("inline <script>" in f for f in found)
    assert any("<style>" in f for f in found)
    assert any("hx-on" in f for f in found)
    assert not inline_parts('<script src="/static/ok.js"></script><p class="a">b</p>')


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 40
    assert ROOT / "tuopin/web/templates/web/base.html" in TEMPLATES


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_what_the_policy_blocks(path):
    assert inline_parts(path.read_text(encoding="utf-8")) == []


def test_the_policy_allows_only_own_files_and_no_inline_script():
    policy = settings.CONTENT_SECURITY_POLICY
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe" not in policy


def test_every_page_is_sent_with_the_policy(db, make_user):
    client = Client()
    login = client.get(reverse("accounts:login"))
    assert login["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    client.force_login(make_user("county_office", "411421000000"))
    home = client.get("/")
    assert home.status_code == 200
    assert home["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert client.get("/api/v1/regions/411421000000")["Content-Security-Policy"]
    missing = client.get("/no/such/page/")
    assert missing.status_code == 404 and missing["Content-Security-Policy"]


def test_htmx_is_told_not_to_add_its_style_element(db, make_user):
    """htmx adds a <style> for its indicators unless configured off; the policy would
    refuse it (and log an error on every page)."""
    client = Client()
    page = client.get(reverse("accounts:login")).content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in page
    css = (ROOT / "tuopin/web/static/web/tuopin.css").read_text(encoding="utf-8")
    assert ".htmx-indicator" in css and ".tp-w-100 { width: 100%; }" in css
