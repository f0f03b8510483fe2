"""The production stack, built and run with Docker as docs/operations.md says (`make test-stack`;
`make test` leaves these out): a person's journey through nginx, the killed worker, an upgrade
without a failed request, and a backup restored into a new stack. The tests share one stack and
run in this order; each leaves it up and healthy for the next."""

import os
import re
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.processes import PROJECT_ROOT, Browser, csrf, sign_in, sign_up

pytestmark = pytest.mark.stack

PARTNER = "partner@demo.rops.local"
PARTNER_PASSWORD = "demo-partner-2026"
STAFF = "staff@demo.rops.local"
STAFF_PASSWORD = "demo-rops-2026"
STUDY_VISIT = "wizyta-studyjna-wielkopolska"
WHEELS = Path("var") / "stack-cache" / "wheels"

# What the journey leaves behind, for the backup test to find again.
state: dict = {}


class _FormFields(HTMLParser):
    """The fields of a page's main form, filled as a person who accepts every default would:
    the first choice of each radio group and select, every checkbox, a year where one is asked."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "select":
            self._select = name
        elif tag == "option" and self._select and attrs.get("value"):
            values = self.data.setdefault(self._select, [])
            if "selected" in attrs:
                values[:] = [attrs["value"]]
            elif not values:
                values.append(attrs["value"])
        if tag != "input" or not name:
            return
        kind = attrs.get("type", "text")
        if kind == "radio":
            self.data.setdefault(name, [attrs.get("value", "on")])
        elif kind == "checkbox":
            self.data.setdefault(name, []).append(attrs.get("value", "on"))
        elif kind == "hidden" or attrs.get("value"):
            self.data.setdefault(name, []).append(attrs.get("value", ""))
        elif "year" in name or "rok" in name:
            self.data[name] = ["1984"]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _registration_form(page: str) -> list[tuple[str, str]]:
    form = re.search(r"<main.*?(<form[^>]*method=\"post\".*?</form>)", page, re.S | re.I).group(1)
    parser = _FormFields()
    parser.feed(form)
    return [(name, value) for name, values in parser.data.items() for value in values]


def _post_fields(browser: Browser, url: str, fields: list[tuple[str, str]]):
    body = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(
        browser._absolute(url), data=body, headers={"Referer": browser._absolute(url)}
    )
    return browser._open(request)


def _download(browser: Browser, url: str) -> tuple[int, dict, bytes]:
    try:
        with browser.opener.open(browser._absolute(url), timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_a_person_signs_up_registers_and_downloads_through_nginx(stack):
    # Every service of the stack reports healthy (scripts/stack.sh up waited for it).
    states = stack.script("compose", "ps").stdout
    for service in (
        "postgres",
        "redis",
        "mailpit",
        "web",
        "worker",
        "documents-worker",
        "beat",
        "nginx",
    ):
        assert re.search(rf"{service}_1 .*Up.*\(healthy\)", states), states
    assert re.search(r"migrate_1 .*Exit 0", states), states

    stack.manage("load_demo")
    material = stack.shell(
        "import json; from events.models import Material; "
        "m = Material.objects.filter(visibility='public').order_by('pk').first(); "
        "print(json.dumps({'url': m.get_absolute_url(), 'size': m.file.size, 'name': m.file.name}))"
    )

    # A newcomer signs up; the link in the e-mail the catcher received confirms the address.
    newcomer = Browser(stack.base)
    sign_up(newcomer, "zofia.stosowa@example.org")
    verification = stack.wait_for_message("zofia.stosowa@example.org")
    link = re.search(rf"{re.escape(stack.base)}/konto/confirm-email/\S+", verification["Text"])
    assert link, verification["Text"]
    status, _, page = newcomer.get(link.group(0))
    assert status == 200, page[:2000]
    status, url, page = newcomer.post(link.group(0), {"csrfmiddlewaretoken": csrf(page)})
    assert status == 200 and "confirm-email" not in url, page[:2000]
    assert stack.shell(
        "import json; from allauth.account.models import EmailAddress; "
        "print(json.dumps(EmailAddress.objects.get(email='zofia.stosowa@example.org').verified))"
    )

    # The demo partner registers for the study visit; the confirmation e-mail arrives.
    partner = Browser(stack.base)
    sign_in(partner, PARTNER, PARTNER_PASSWORD)
    registration_url = f"/wydarzenia/{STUDY_VISIT}/zapisy/"
    status, _, page = partner.get(registration_url)
    assert status == 200, page[:2000]
    status, url, page = _post_fields(partner, registration_url, _registration_form(page))
    assert status == 200 and url.endswith("/wydarzenia/moje-zgloszenia/"), page[:3000]
    confirmation = stack.wait_for_message(PARTNER, "Wizyta studyjna")
    assert STUDY_VISIT in confirmation["Text"] or "Wizyta studyjna" in confirmation["Subject"]

    # A file from the media volume: Django authorises, nginx sends it (X-Accel-Redirect).
    status, headers, body = _download(partner, material["url"])
    assert status == 200, body[:500]
    assert body.startswith(b"%PDF") and len(body) == material["size"]
    assert "X-Accel-Redirect" not in headers
    assert headers["Content-Disposition"].startswith("attachment")
    # The internal location is not reachable from outside.
    status, _, _ = _download(partner, "/protected-media/" + material["name"])
    assert status == 404

    # Staff: the password alone does not open /admin/; the second factor is asked.
    staff = Browser(stack.base)
    status, url, page = staff.get("/admin/")
    assert "/konto/login/" in url, url
    status, _, page = staff.get("/konto/login/")
    status, url, page = staff.post(
        "/konto/login/",
        {"csrfmiddlewaretoken": csrf(page), "login": STAFF, "password": STAFF_PASSWORD},
    )
    assert "/konto/2fa/authenticate/" in url, (url, page[:2000])
    status, url, _ = staff.get("/admin/")
    assert "/admin/" not in url or "/konto/" in url, url
    code = stack.manage("demo_totp").strip().splitlines()[-1]
    status, url, page = staff.get("/konto/2fa/authenticate/")
    status, url, page = staff.post(
        "/konto/2fa/authenticate/", {"csrfmiddlewaretoken": csrf(page), "code": code}
    )
    assert "/2fa/authenticate/" not in url, page[:2000]
    status, url, page = staff.get("/admin/")
    assert status == 200 and url.rstrip("/").endswith("/admin"), (url, page[:1000])

    state["material"] = material
    state["registrations"] = stack.shell(
        "import json; from events.models import Registration; "
        f"print(json.dumps(list(Registration.objects.filter(event__slug='{STUDY_VISIT}', "
        f"participant__email='{PARTNER}').values_list('pk', flat=True))))"
    )
    assert state["registrations"]


def test_killing_the_worker_mid_send_loses_and_repeats_no_email(stack):
    count = 300
    stack.mail("/hold", "POST", {"hold": True})
    try:
        queued = stack.shell(
            "import json; from portal.services import email_build, emails_bulk_create; "
            "print(json.dumps(len(emails_bulk_create([email_build(to=f'masowa{n}@stack.example.org', "
            "subject=f'Masowa {n}', body_text='Treść', dedup_key=f'stack:{n}') "
            f"for n in range({count})]))))"
        )
        assert queued == count
        # Every worker process is now inside a delivery the catcher holds (before taking it).
        time.sleep(5)
        assert not [m for m in stack.messages() if m["To"][0]["Address"].startswith("masowa")]
        stack.compose("kill", "worker")
    finally:
        stack.mail("/hold", "POST", {"hold": False})
    stack.compose("start", "worker")
    deadline = time.monotonic() + 300
    while True:
        received = [
            m for m in stack.messages() if m["To"][0]["Address"].endswith("@stack.example.org")
        ]
        if len(received) >= count:
            break
        assert time.monotonic() < deadline, f"{len(received)} of {count}\n{stack.logs()}"
        time.sleep(2)
    time.sleep(10)  # two more dispatcher rounds: nothing arrives a second time
    received = [m for m in stack.messages() if m["To"][0]["Address"].endswith("@stack.example.org")]
    addresses = sorted(m["To"][0]["Address"] for m in received)
    assert addresses == sorted(f"masowa{n}@stack.example.org" for n in range(count))
    assert len({m["MessageID"] for m in received}) == count


def _next_commit(tmp_path) -> Path:
    """A clone of this tree with one more commit: a trivial migration (a table of its own)."""
    clone = tmp_path / "next"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (entry.decode() for entry in listed)):
        source = PROJECT_ROOT / name
        if source.is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)
    # The wheels the image installs (built from the same requirements.lock).
    shutil.copytree(
        PROJECT_ROOT / "var" / "stack-cache" / "wheels", clone / WHEELS, copy_function=os.link
    )

    def git(*args):
        subprocess.run(
            ["git", "-c", "user.name=Stack", "-c", "user.email=stack@example.org", *args],
            cwd=clone,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "The release that runs")
    latest = sorted(p.stem for p in (clone / "portal" / "migrations").glob("[0-9]*.py"))[-1]
    migration = clone / "portal" / "migrations" / f"{int(latest[:4]) + 1:04d}_stack_upgrade.py"
    migration.write_text(
        "from django.db import migrations\n\n\n"
        "class Migration(migrations.Migration):\n"
        f"    dependencies = [('portal', '{latest}')]\n"
        "    operations = [migrations.RunSQL('CREATE TABLE stack_upgrade_marker (id integer)', "
        "'DROP TABLE stack_upgrade_marker')]\n"
    )
    git("add", "-A")
    git("commit", "-q", "-m", "The next release: one more migration")
    return clone


def test_an_upgrade_replaces_web_while_requests_keep_succeeding(stack, tmp_path):
    clone = _next_commit(tmp_path)
    old_web = stack.compose("ps", "-q", "web").stdout.split()
    outcomes: list[str] = []
    stop = threading.Event()

    def keep_asking():
        while not stop.is_set():
            for path in ("/", "/wydarzenia/"):
                try:
                    with urllib.request.urlopen(stack.base + path, timeout=60) as answer:
                        outcomes.append("ok" if answer.status == 200 else f"{path} {answer.status}")
                except urllib.error.HTTPError as error:
                    outcomes.append(f"{path} {error.code}")
                except OSError as error:
                    outcomes.append(f"{path} {error}")
            time.sleep(0.05)

    asker = threading.Thread(target=keep_asking, daemon=True)
    asker.start()
    try:
        # What a person types in the new release's checkout: the same stack, the new image.
        upgrade = subprocess.run(
            [str(clone / "scripts" / "stack.sh"), "upgrade"],
            cwd=clone,
            env=stack.env,
            capture_output=True,
            text=True,
            timeout=1200,
        )
        assert upgrade.returncode == 0, upgrade.stdout[-3000:] + upgrade.stderr[-5000:]
        time.sleep(3)
    finally:
        stop.set()
        asker.join(timeout=90)
    failures = [outcome for outcome in outcomes if outcome != "ok"]
    assert not failures, (len(outcomes), failures[:20], stack.logs())
    assert len(outcomes) > 50, outcomes

    new_web = stack.compose("ps", "-q", "web").stdout.split()
    assert len(new_web) == 1 and new_web[0] not in old_web
    assert stack.shell(
        "import json; from django.db import connection; "
        "print(json.dumps('stack_upgrade_marker' in connection.introspection.table_names()))"
    )
    states = stack.compose("ps").stdout
    for service in ("web", "worker", "documents-worker", "beat"):
        assert re.search(rf"{service}_\d+ .*Up.*\(healthy\)", states), states


def test_backup_then_a_new_stack_then_restore(stack, tmp_path):
    backups = tmp_path / "backups"
    stack.make("backup", f"BACKUP_DIR={backups}")
    (dump,) = backups.glob("portal-*.dump")
    assert list(backups.glob("portal-*.media.tar.gz"))

    registrations = (
        "import json; from events.models import Registration; "
        f"print(json.dumps(list(Registration.objects.filter(event__slug='{STUDY_VISIT}', "
        f"participant__email='{PARTNER}').values_list('pk', flat=True))))"
    )
    # A new stack: empty volumes, so neither the registration nor the file is there.
    stack.compose("down", "--volumes", timeout=300)
    stack.script("up", timeout=1200)
    assert stack.shell(registrations) == []
    material = state["material"]
    status, _, _ = _download(Browser(stack.base), material["url"])
    assert status == 404

    stack.make("restore", f"BACKUP={dump}")
    assert stack.shell(registrations) == state["registrations"]
    partner = Browser(stack.base)
    sign_in(partner, PARTNER, PARTNER_PASSWORD)
    status, _, body = _download(partner, material["url"])
    assert status == 200 and body.startswith(b"%PDF") and len(body) == material["size"]
    status, _, page = partner.get("/wydarzenia/moje-zgloszenia/")
    assert status == 200 and "Wizyta studyjna" in page
