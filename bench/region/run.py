"""`make bench` at region scale: every figure of the issue's table, beside its target.

1. A database of its own (``<DATABASE_URL's name>_region``; dropped and created here): migrate,
   the demo data, then ``bench.region.generate`` to region scale.
2. Query counts in-process (Django's test client and CaptureQueriesContext on that database,
   production settings) for the pages of the table.
3. The portal as in production: gunicorn with 3 sync workers and ``portal.settings.production``,
   a Celery worker (4 processes, as docker-compose.yml), an SMTP server that records each
   message; the load generator (bench/region/load.py) in another process.
4. Three rounds, ratios within a round: the trivial page, event detail, calendar and catalogue at
   20 concurrent users; 500 signed-in people registering at once for one event of 100 places,
   then 500 others spread over 100 events; correctness checked after each.
5. The attendance list of 1,000 people (PDF), 10,000 reminders through the worker to SMTP.
6. 9x more data, the query counts again (10x).
7. BENCHMARKS.md and bench/results/latest.json.

``python -m bench.region.run [--scale 1] [--rounds 3] [--duration 8] [--skip-10x] [--keep-db]
[--only queries,rounds,attendance,reminders]``
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "latest.json"
REPORT = ROOT / "BENCHMARKS.md"
PHASES = ("queries", "rounds", "attendance", "reminders")
# As docker-compose.yml's worker.
WORKER_CONCURRENCY = 4
ANALYSIS_START, ANALYSIS_END = "<!-- analysis:start -->", "<!-- analysis:end -->"


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, name: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited at start (code {process.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{name} did not listen on port {port}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and all its descendants still alive."""
    total, stack = 0.0, [pid]
    while stack:
        current = stack.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                stack.extend(int(child) for child in children)
        except (OSError, IndexError, ValueError):
            continue
    return total


def own_cpu_seconds(pid: int) -> float:
    """CPU time of one process and of its children that have exited (for PostgreSQL: the
    postmaster reaps the backends that closed, the live ones are counted themselves)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(value) for value in fields[11:15]) / CLOCK_TICKS
    except (OSError, IndexError, ValueError):
        return 0.0


def pids_of(command: str) -> list[int]:
    """Processes of this machine whose command name is ``command`` (e.g. every PostgreSQL
    backend)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == command:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def is_backend(pid: int) -> bool:
    """A PostgreSQL process serving a client connection ("postgres: user db host(port) ...")."""
    try:
        title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return False
    return "(" in title and ")" in title and title.startswith("postgres: ")


def machine() -> dict:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            mem_kb = int(line.split()[1])
    return {
        "cores": os.cpu_count(),
        "cpu_model": model,
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def uptime() -> str:
    # Django sets TZ to the portal's time zone in this process; uptime's clock is in UTC.
    env = {**os.environ, "TZ": "UTC"}
    return subprocess.run(["uptime"], capture_output=True, text=True, env=env).stdout.strip()


def database_urls(base_url: str, name: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(base_url)
    bench = parts._replace(path=f"/{name}").geturl()
    maintenance = parts._replace(path="/postgres").geturl()
    return bench, maintenance


def recreate_database(maintenance_url: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


class Bench:
    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="portal-bench-"))
        self.logs = self.tmp / "logs"
        self.logs.mkdir()
        base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
        self.db_name = args.database or (
            urllib.parse.urlsplit(base_url).path.strip("/") + "_region"
        )
        self.db_url, self.maintenance_url = database_urls(base_url, self.db_name)
        self.redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
        self.web_port, self.smtp_port = free_port(), free_port()
        self.base = f"http://127.0.0.1:{self.web_port}"
        self.queue = f"portal-bench-{uuid.uuid4().hex[:10]}"
        self.sink = self.tmp / "smtp.log"
        self.sink.touch()
        self.processes: list[subprocess.Popen] = []
        self.results: dict = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": "make bench",
            "machine": machine(),
            "uptime_before": uptime(),
            "settings": {
                "scale": args.scale,
                "rounds": args.rounds,
                "duration_s": args.duration,
                "concurrency": args.concurrency,
                "gunicorn_workers": 3,
                "celery_concurrency": WORKER_CONCURRENCY,
                "django_settings": "portal.settings.production",
                "database": self.db_name,
            },
            "load_samples": [],
        }
        git = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        self.results["commit"] = git.stdout.strip()
        self.env = self._env()

    def _env(self) -> dict:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG", "EMAIL_FILE_PATH")
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "portal.settings.production",
                "SECRET_KEY": secrets.token_urlsafe(64),
                "DATABASE_URL": self.db_url,
                "REDIS_URL": self.redis_url,
                "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp_port}",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "CSRF_TRUSTED_ORIGINS": self.base,
                "SITE_URL": self.base,
                "STATIC_ROOT": str(self.tmp / "static"),
                "MEDIA_ROOT": str(self.tmp / "media"),
                "CELERY_TASK_DEFAULT_QUEUE": self.queue,
                # The reminders run is asked for by hand below: it scans at once, whenever the
                # last scan (of an earlier run over the same data) was.
                "EVENTS_REMINDER_SCAN_SECONDS": "0",
                # Plain HTTP on 127.0.0.1: the TLS settings are the proxy's business here.
                "SECURE_SSL_REDIRECT": "false",
                "SESSION_COOKIE_SECURE": "false",
                "CSRF_COOKIE_SECURE": "false",
                "SECURE_HSTS_SECONDS": "0",
                "ACCOUNT_DEFAULT_HTTP_PROTOCOL": "http",
            }
        )
        return env

    def sample_load(self, label: str) -> None:
        self.results["load_samples"].append(
            {"at": label, "loadavg": [round(x, 2) for x in os.getloadavg()]}
        )

    # --- processes -----------------------------------------------------------------------

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        log_file = open(self.logs / f"{name}.log", "w")  # noqa: SIM115 - closed below
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log_file, stderr=subprocess.STDOUT
        )
        log_file.close()
        self.processes.append(process)
        return process

    def start_stack(self) -> None:
        python = sys.executable
        smtp = self.smtp = self.start(
            "smtp",
            [python, "-m", "bench.region.smtp_sink", str(self.smtp_port), str(self.sink)],
        )
        self.worker = self.start(
            "worker",
            [
                python,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "-Q",
                self.queue,
                "--concurrency",
                str(WORKER_CONCURRENCY),
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{self.queue}@%h",
                "--loglevel",
                "INFO",
            ],
        )
        web = self.web = self.start(
            "gunicorn",
            [
                python,
                "-m",
                "gunicorn",
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                "3",
                "--access-logfile",
                "-",
            ],
        )
        wait_for_port(self.smtp_port, smtp, "SMTP sink")
        wait_for_port(self.web_port, web, "gunicorn")

    def stop_all(self) -> None:
        for process in reversed(self.processes):
            stop(process)
        self.processes.clear()

    # --- Django in this process ------------------------------------------------------------

    def setup_django(self) -> None:
        os.environ.update(self.env)
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        import django

        django.setup()

    def close_db(self) -> None:
        from django.db import connections

        connections.close_all()

    def prepare(self) -> None:
        from django.core.management import call_command

        from bench.region import generate

        log(f"database {self.db_name}: drop, create, migrate")
        recreate_database(self.maintenance_url, self.db_name)
        collect = subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=self.env,
        )
        started = time.monotonic()
        call_command("migrate", verbosity=0)
        migrated = time.monotonic()
        call_command("load_demo", stdout=io.StringIO())
        demo = time.monotonic()
        log(f"migrated in {migrated - started:.0f} s, demo data in {demo - migrated:.0f} s")
        self.scenario = generate.generate(scale=self.args.scale, rounds=self.args.rounds, log=log)
        generated = time.monotonic()
        sizes = self.scenario["sizes"]
        self.results["storm_capacity"] = sizes["storm_capacity"]
        self.results["storm_people"] = sizes["storm_people"]
        self.results["spread_events"] = sizes["spread_events"]
        self.results["generator"] = {
            "seconds": round(generated - demo, 1),
            "migrate_seconds": round(migrated - started, 1),
            "demo_seconds": round(demo - migrated, 1),
            "counts": self.scenario["counts"],
        }
        log(f"generated in {generated - demo:.0f} s: {self.scenario['counts']}")
        if collect.wait(timeout=600) != 0:
            raise RuntimeError("collectstatic failed")
        self.make_sessions()
        self.close_db()

    def make_sessions(self) -> None:
        from bench.region.sessions import create_sessions

        s = self.scenario
        people = [pk for pk, _org in s["storm_people"] + s["spread_people"] + s["signed_in_people"]]
        self.sessions = create_sessions(people)
        self.sessions.update(create_sessions([s["staff"]], second_factor=True))

    def cookies(self, pk: int) -> dict:
        return self.sessions[pk]

    # --- query counts -----------------------------------------------------------------------

    def query_counts(self, label: str, get_person: int, post_people: list[tuple[int, int]]) -> dict:
        from django.conf import settings
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        s = self.scenario

        def client_for(pk: int | None) -> Client:
            client = Client(HTTP_HOST="127.0.0.1")
            if pk is not None:
                client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[pk][
                    settings.SESSION_COOKIE_NAME
                ]
            return client

        def measure(client, method: str, path: str, data=None, expect=(200,)) -> dict:
            with CaptureQueriesContext(connection) as captured:
                response = getattr(client, method)(path, data) if data else client.get(path)
            if response.status_code not in expect:
                raise RuntimeError(f"{method.upper()} {path}: {response.status_code}")
            statements = [q["sql"] for q in captured.captured_queries]
            return {
                "queries": len(statements),
                # BEGIN, COMMIT, SAVEPOINT and RELEASE are statements too, but no work.
                "without_transaction_control": sum(
                    1
                    for sql in statements
                    if not sql.startswith(("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK"))
                ),
                "status": response.status_code,
                "sql": [sql[:240] for sql in statements],
            }

        member = client_for(get_person)
        staff = client_for(s["staff"])
        anonymous = client_for(None)
        pages = {
            "event detail, signed in": (member, s["detail_path"]),
            "registration GET": (member, s["registration_path"]),
            "admin advisory queue": (staff, s["admin_queue_path"]),
            "event detail, anonymous": (anonymous, s["detail_path"]),
            "calendar": (anonymous, s["calendar_path"]),
            "catalogue": (anonymous, s["catalogue_path"]),
            "home": (anonymous, "/"),
            "trivial page": (anonymous, s["trivial_path"]),
        }
        out = {}
        for name, (client, path) in pages.items():
            client.get(path)  # warm: first use of templates, caches
            out[name] = measure(client, "get", path)
        # The first registration of the process loads caches (content types): a warm-up one.
        for person, organisation in post_people[:2]:
            poster = client_for(person)
            poster.get(s["registration_path"])
            out["registration POST"] = measure(
                poster,
                "post",
                s["registration_path"],
                {
                    "organisation": organisation,
                    "participant": person,
                    "clause_version": s["clause_version"],
                },
                expect=(302,),
            )
        self.close_db()
        log(
            f"query counts at {label}: "
            + ", ".join(f"{name} {value['queries']}" for name, value in out.items())
        )
        return out

    # --- load -------------------------------------------------------------------------------

    def cpu_by_process(self) -> dict[str, float]:
        """CPU seconds so far of each part of the stack on this machine (the load generator is
        counted from the children this process has waited for)."""
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {
            "gunicorn": cpu_seconds(self.web.pid),
            "worker": cpu_seconds(self.worker.pid),
            "postgresql queries": sum(
                own_cpu_seconds(pid) for pid in pids_of("postgres") if is_backend(pid)
            ),
            # Autovacuum, checkpointer, WAL writer, the postmaster (with the backends it reaped).
            "postgresql background": sum(
                own_cpu_seconds(pid) for pid in pids_of("postgres") if not is_backend(pid)
            ),
            "redis": sum(own_cpu_seconds(pid) for pid in pids_of("redis-server")),
            "smtp sink": cpu_seconds(self.smtp.pid),
            "load generator": children.ru_utime + children.ru_stime,
        }

    def load(self, phases: list[dict]) -> list[dict]:
        """Run each phase in the load generator's own process; add the CPU time the gunicorn
        workers spent per request (independent of how busy the shared machine is), and for the
        registration bursts the CPU each part of the stack spent per request."""
        out = []
        for phase in phases:
            spec = self.tmp / f"spec-{uuid.uuid4().hex[:6]}.json"
            spec.write_text(json.dumps({"port": self.web_port, "phases": [phase]}))
            stack_before = self.cpu_by_process() if phase["kind"] == "burst" else None
            before = cpu_seconds(self.web.pid)
            done = subprocess.run(
                [sys.executable, "-m", "bench.region.load", str(spec)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=1800,
            )
            used = cpu_seconds(self.web.pid) - before
            if done.returncode != 0:
                raise RuntimeError(f"load generator failed: {done.stderr[-2000:]}")
            result = json.loads(done.stdout)[0]
            # The warm-up requests of a rate phase are not counted, their CPU is: a small bias.
            counted = result["requests"] + (
                round(phase.get("warmup", 0) * result["rps"]) if phase["kind"] == "rate" else 0
            )
            result["gunicorn_cpu_ms_per_request"] = (
                round(1000 * used / counted, 2) if counted else None
            )
            if stack_before is not None and counted:
                # The e-mails of the burst are sent meanwhile: wait for them, so that the
                # worker's share of each registration is in.
                self.drain_outbox()
                after = self.cpu_by_process()
                result["stack_cpu_ms_per_request"] = {
                    name: round(1000 * (after[name] - stack_before[name]) / counted, 2)
                    for name in after
                }
            out.append(result)
        return out

    def drain_outbox(self, timeout: float = 240) -> float:
        """Wait until the worker has sent every due e-mail; return the seconds waited."""
        from django.utils import timezone

        from portal.models import OutboundEmail

        started = time.monotonic()
        while time.monotonic() - started < timeout:
            waiting = OutboundEmail.objects.filter(
                sent_at__isnull=True, due_at__lte=timezone.now()
            ).count()
            if waiting == 0:
                break
            time.sleep(0.5)
        else:
            log(f"outbox not drained after {timeout:.0f} s")
        self.close_db()
        return round(time.monotonic() - started, 1)

    def registration_requests(self, people: list, paths: list[str]) -> list[dict]:
        from django.conf import settings

        requests = []
        for index, (pk, organisation) in enumerate(people):
            cookies = self.cookies(pk)
            requests.append(
                {
                    "method": "POST",
                    "path": paths[index % len(paths)],
                    "cookies": cookies,
                    "form": {
                        "csrfmiddlewaretoken": cookies[settings.CSRF_COOKIE_NAME],
                        "organisation": organisation,
                        "participant": pk,
                        "clause_version": self.scenario["clause_version"],
                    },
                }
            )
        return requests

    def check_registrations(self, event_ids: list[int], people: list, capacity: int) -> dict:
        from django.db.models import Max, Min

        from events.models import Registration
        from portal.models import OutboundEmail

        registrations = Registration.objects.filter(
            event_id__in=event_ids, participant_id__in=[pk for pk, _ in people]
        )
        by_status = {}
        for status in registrations.values_list("status", flat=True):
            by_status[status] = by_status.get(status, 0) + 1
        per_event_confirmed = {}
        for event_id, status in registrations.values_list("event_id", "status"):
            if status == "confirmed":
                per_event_confirmed[event_id] = per_event_confirmed.get(event_id, 0) + 1
        ids = set(registrations.values_list("pk", flat=True))
        emails: dict[int, int] = {}
        for key in OutboundEmail.objects.filter(
            dedup_key__startswith="events:registration:"
        ).values_list("dedup_key", flat=True):
            pk = int(key.split(":")[2])
            if pk in ids:
                emails[pk] = emails.get(pk, 0) + 1
        confirmed = registrations.filter(status="confirmed").aggregate(last=Max("created_at"))
        waitlisted = registrations.filter(status="waitlisted").aggregate(first=Min("created_at"))
        in_order = (
            confirmed["last"] is None
            or waitlisted["first"] is None
            or confirmed["last"] <= waitlisted["first"]
        )
        waitlist = list(
            registrations.filter(status="waitlisted")
            .order_by("waitlisted_at", "pk")
            .values_list("pk", flat=True)
        )
        waitlist_by_decision = list(
            registrations.filter(status="waitlisted")
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)
        )
        self.close_db()
        return {
            "registrations": len(ids),
            "by_status": by_status,
            "max_confirmed_per_event": max(per_event_confirmed.values(), default=0),
            "over_capacity": any(n > capacity for n in per_event_confirmed.values()),
            "one_email_each": len(ids) > 0
            and all(emails.get(pk, 0) == 1 for pk in ids)
            and len(emails) == len(ids),
            "emails": sum(emails.values()),
            "waitlist_after_confirmed": in_order,
            "waitlist_in_decision_order": waitlist == waitlist_by_decision,
        }

    def rounds(self) -> None:
        s = self.scenario
        duration, concurrency = self.args.duration, self.args.concurrency
        pages = {
            "trivial": s["trivial_path"],
            "event_detail": s["detail_path"],
            "calendar": s["calendar_path"],
            "catalogue": s["catalogue_path"],
        }
        capacity = s["sizes"]["storm_capacity"]
        self.results["rounds"] = []
        for number, round_ in enumerate(s["rounds"], start=1):
            log(f"round {number}: pages at {concurrency} concurrent users")
            self.sample_load(f"round {number} start")
            rates = self.load(
                [
                    {
                        "kind": "rate",
                        "name": name,
                        "paths": [path],
                        "concurrency": concurrency,
                        "duration": duration,
                        "warmup": 1.0,
                    }
                    for name, path in pages.items()
                ]
            )
            result = {"round": number, "pages": {r["name"]: r for r in rates}}
            result["drain_before_storm_s"] = self.drain_outbox()
            log(f"round {number}: storm")
            storm_people = s["storm_people"]
            storm = self.load(
                [
                    {
                        "kind": "burst",
                        "name": "storm",
                        "requests": self.registration_requests(
                            storm_people, [round_["storm_path"]]
                        ),
                        "concurrency": len(storm_people),
                    }
                ]
            )[0]
            storm["check"] = self.check_registrations(
                [round_["storm_event"]], storm_people, capacity
            )
            result["storm"] = storm
            result["drain_before_spread_s"] = self.drain_outbox()
            log(f"round {number}: spread")
            spread_people = s["spread_people"]
            spread = self.load(
                [
                    {
                        "kind": "burst",
                        "name": "spread",
                        "requests": self.registration_requests(
                            spread_people, round_["spread_paths"]
                        ),
                        "concurrency": len(spread_people),
                    }
                ]
            )[0]
            spread["check"] = self.check_registrations(
                round_["spread_events"], spread_people, capacity
            )
            result["spread"] = spread
            trivial = result["pages"]["trivial"]["rps"]
            result["ratios"] = {
                "storm_vs_spread": round(storm["rps"] / spread["rps"], 3),
                "storm_vs_trivial": round(storm["rps"] / trivial, 3),
                **{
                    f"{name}_vs_trivial": round(result["pages"][name]["rps"] / trivial, 3)
                    for name in ("event_detail", "calendar", "catalogue")
                },
            }
            log(
                f"round {number}: trivial {trivial} req/s, storm {storm['rps']}, spread "
                f"{spread['rps']}, ratios {result['ratios']}"
            )
            self.results["rounds"].append(result)
        self.sample_load("rounds end")

    def attendance_list(self) -> None:
        """Download the list of 1,000 people: once rendered on request (nothing stored yet),
        then three times after the worker has rendered it ahead, as it does once the event's
        registrations change (the generator bulk-inserts them, so nothing queued it)."""
        import shutil

        from django.conf import settings

        from events.models import Event
        from portal.celery import app

        s = self.scenario
        cookies = self.cookies(s["staff"])
        header = "; ".join(
            f"{name}={cookies[name]}"
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
        )
        event_id = Event.objects.get(slug=s["attendance_path"].split("/")[2]).pk
        stored = Path(self.env["MEDIA_ROOT"]) / "attendance-lists" / f"event-{event_id}"

        def download(timings, cpu, failures) -> int:
            request = urllib.request.Request(
                self.base + s["attendance_path"], headers={"Cookie": header}
            )
            started = time.perf_counter()
            cpu_before = cpu_seconds(self.web.pid)
            try:
                with urllib.request.urlopen(request, timeout=180) as response:
                    body = response.read()
                    status = response.status
            except (OSError, urllib.error.HTTPError) as error:
                # e.g. gunicorn's 30 s worker timeout: a real finding, not a harness failure.
                failures.append(f"{type(error).__name__}: {error}")
                return 0
            elapsed = round(time.perf_counter() - started, 3)
            if status != 200 or not body.startswith(b"%PDF"):
                failures.append(f"status {status}, {body[:80]!r}")
                return 0
            timings.append(elapsed)
            cpu.append(round(cpu_seconds(self.web.pid) - cpu_before, 3))
            return len(body)

        on_request = {"seconds": [], "gunicorn_cpu_s": [], "failures": []}
        download(on_request["seconds"], on_request["gunicorn_cpu_s"], on_request["failures"])
        shutil.rmtree(stored, ignore_errors=True)

        # What a registration change queues (debounced): the worker renders and stores the list.
        started = time.perf_counter()
        cpu_before = cpu_seconds(self.worker.pid)
        app.send_task("events.tasks.attendance_list_prerender", args=[event_id], queue=self.queue)
        while not any(stored.glob("all-*.pdf")) and time.perf_counter() - started < 180:
            time.sleep(0.05)
        ahead = {
            "stored": any(stored.glob("all-*.pdf")),
            "seconds": round(time.perf_counter() - started, 2),
            "worker_cpu_s": round(cpu_seconds(self.worker.pid) - cpu_before, 2),
        }

        timings, cpu, failures, size = [], [], [], 0
        for _ in range(3):
            size = download(timings, cpu, failures) or size
        self.results["attendance_list"] = {
            "people": s["attendance_people"],
            "seconds": timings,
            "median_s": statistics.median(timings) if timings else None,
            "failures": failures,
            "gunicorn_cpu_s": cpu,
            "pdf_bytes": size,
            "rendered_on_request": on_request,
            "rendered_ahead_by_worker": ahead,
        }
        log(
            f"attendance list of {s['attendance_people']}: rendered on request "
            f"{on_request['seconds']} s; rendered ahead by the worker in {ahead['seconds']} s "
            f"({ahead['worker_cpu_s']} s CPU), then served in {timings} s"
        )

    def reminders(self) -> None:
        from portal.celery import app
        from portal.models import OutboundEmail

        due = self.scenario["reminders_due"]
        self.drain_outbox()
        self.sample_load("reminders start")

        def sink_count() -> int:
            with open(self.sink, encoding="utf-8") as file:
                return sum(1 for line in file if "Przypomnienie" in line)

        # ":reminder", or ":reminder:<hours>h" where events have reminder offsets of their own.
        reminders = OutboundEmail.objects.filter(dedup_key__regex=r":reminder(:[0-9]+h)?$")
        before = sink_count()
        stack_before = self.cpu_by_process()
        cpu_before = cpu_seconds(self.worker.pid)
        started = time.monotonic()
        # What beat does when the scan is due: publish the task by its name to the worker's queue.
        app.send_task("events.tasks.reminders_enqueue", queue=self.queue)
        queued_at = sent_at = None
        timeout = self.args.reminders_timeout
        while time.monotonic() - started < timeout:
            if queued_at is None and reminders.count() >= due:
                queued_at = time.monotonic() - started
            if (
                sink_count() - before >= due
                and reminders.filter(sent_at__isnull=False).count() >= due
            ):
                sent_at = time.monotonic() - started
                break
            time.sleep(0.25)
        time.sleep(5)  # anything sent twice would arrive now
        received = sink_count() - before
        worker_cpu = cpu_seconds(self.worker.pid) - cpu_before
        stack_after = self.cpu_by_process()
        rows = reminders.count()
        sent_rows = reminders.filter(sent_at__isnull=False).count()
        self.close_db()
        self.results["reminders"] = {
            "due": due,
            "seconds_until_all_sent": round(sent_at, 1) if sent_at else None,
            "seconds_until_all_in_outbox": round(queued_at, 1) if queued_at else None,
            "timeout_s": timeout,
            "outbox_rows": rows,
            "sent_rows": sent_rows,
            "received_by_smtp": received,
            "exact": rows == due and sent_rows == due and received == due,
            "worker_cpu_s": round(worker_cpu, 1),
            # Including the 5 s waited after the last e-mail (anything sent twice).
            "stack_cpu_s": {
                name: round(stack_after[name] - stack_before[name], 1) for name in stack_after
            },
        }
        self.sample_load("reminders end")
        log(f"reminders: {self.results['reminders']}")

    def grow(self) -> None:
        from bench.region import generate

        log("growing the data 10x (9x more rows)")
        started = time.monotonic()
        counts = generate.grow(factor=9 * self.args.scale, log=log)
        self.results["grow_10x"] = {
            "seconds": round(time.monotonic() - started, 1),
            "counts": counts,
        }
        self.close_db()
        log(f"10x: {counts}")

    def run(self) -> None:
        self.setup_django()
        try:
            self.prepare()
            s = self.scenario
            people = s["signed_in_people"]
            if self.wants("queries"):
                self.results["queries"] = {
                    "1x": self.query_counts("1x", people[2][0], [tuple(p) for p in people[3:5]])
                }
            self.start_stack()
            self.drain_outbox()
            if self.wants("rounds"):
                self.rounds()
            if self.wants("attendance"):
                self.attendance_list()
            if self.wants("reminders"):
                self.reminders()
            self.stop_all()
            if self.wants("queries") and not self.args.skip_10x:
                self.grow()
                self.results["queries"]["10x"] = self.query_counts(
                    "10x", people[2][0], [tuple(p) for p in people[5:7]]
                )
        except BaseException as error:
            # Whatever was measured is still written, with the failure beside it.
            self.results["error"] = f"{type(error).__name__}: {error}"
            raise
        finally:
            self.stop_all()
            self.results["uptime_after"] = uptime()
            self.results["total_minutes"] = round((time.monotonic() - self.started) / 60, 1)
            self.results["logs"] = str(self.logs)
            if not self.args.keep_db:
                self.close_db()
                recreate_database(self.maintenance_url, self.db_name, drop_only=True)
            self.write()

    def wants(self, phase: str) -> bool:
        return not self.args.only or phase in self.args.only

    def write(self) -> None:
        from bench.region import report

        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        if self.args.only:
            # A partial run (while working on one figure) never replaces the full report.
            partial = RESULTS.with_name(f"only-{'-'.join(sorted(self.args.only))}.json")
            partial.write_text(json.dumps(self.results, indent=1, ensure_ascii=False) + "\n")
            log(f"wrote {partial.relative_to(ROOT)}")
            return
        RESULTS.write_text(json.dumps(self.results, indent=1, ensure_ascii=False) + "\n")
        report.write(self.results, REPORT)
        log(f"wrote {RESULTS.relative_to(ROOT)} and {REPORT.relative_to(ROOT)}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=6.0, help="seconds per page rate")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--reminders-timeout", type=float, default=300.0)
    parser.add_argument("--database", default="", help="default: <DATABASE_URL name>_region")
    parser.add_argument("--skip-10x", action="store_true")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--only",
        type=lambda value: set(value.split(",")),
        default=set(),
        help="comma-separated phases of "
        + ", ".join(PHASES)
        + " (writes bench/results/only-*.json, not BENCHMARKS.md)",
    )
    args = parser.parse_args(argv)
    if args.only - set(PHASES):
        parser.error(f"--only takes {', '.join(PHASES)}")
    started = time.monotonic()
    bench = Bench(args)
    bench.started = started
    bench.run()
    log(f"done in {(time.monotonic() - started) / 60:.1f} min")


if __name__ == "__main__":
    main()
