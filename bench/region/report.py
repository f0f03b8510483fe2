"""BENCHMARKS.md from the results of bench/region/run.py: each figure beside its target.

The text between the analysis markers of an existing BENCHMARKS.md (why a target is missed and
what would fix it, written by a person who read the figures) is kept when the file is rewritten.
"""

from __future__ import annotations

import statistics
from pathlib import Path

ANALYSIS_START, ANALYSIS_END = "<!-- analysis:start -->", "<!-- analysis:end -->"
GET_PAGES = ("event detail, signed in", "registration GET", "admin advisory queue")
GET_LIMIT, POST_LIMIT = 10, 12


def _median(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 3) if values else None


def _verdict(ok) -> str:
    return "—" if ok is None else ("PASS" if ok else "**MISS**")


def _work(measured: dict | None):
    if not measured:
        return None
    return measured.get("without_transaction_control", measured.get("queries"))


def _cpu(rounds, section, name=None):
    values = [
        (r[section][name] if name else r[section]).get("gunicorn_cpu_ms_per_request")
        for r in rounds
    ]
    return _median(values)


def _cpu_ratio(rounds, name) -> str:
    """The same ratio from CPU per request, which the load of the shared machine hardly moves."""
    page, trivial = _cpu(rounds, "pages", name), _cpu(rounds, "pages", "trivial")
    if not page or not trivial:
        return ""
    return f"; by CPU per request: {round(trivial / page, 3)} ({page} ms vs {trivial} ms)"


def evaluate(results: dict) -> list[dict]:
    """The table rows: measure, figure, target, verdict."""
    rows = []
    rounds = results.get("rounds", [])

    def ratio(name):
        return [r["ratios"][name] for r in rounds]

    def rps(section, name=None):
        if name:
            return [r[section][name]["rps"] for r in rounds]
        return [r[section]["rps"] for r in rounds]

    if rounds:
        storm_spread = _median(ratio("storm_vs_spread"))
        storm_trivial = _median(ratio("storm_vs_trivial"))
        checks = [r["storm"]["check"] for r in rounds]
        capacity = results.get("storm_capacity")
        people = results.get("storm_people")
        correct = all(
            c["by_status"].get("confirmed", 0) == capacity
            and c["by_status"].get("waitlisted", 0) == people - capacity
            and c["one_email_each"]
            and c["waitlist_after_confirmed"]
            and c["waitlist_in_decision_order"]
            for c in checks
        ) and all(
            r["storm"]["server_errors"] == 0 and r["spread"]["server_errors"] == 0 for r in rounds
        )
        spread_ok = all(
            r["spread"]["check"]["by_status"].get("confirmed", 0) == people
            and r["spread"]["check"]["one_email_each"]
            for r in rounds
        )
        rows.append(
            {
                "measure": f"registration storm ({people} signed-in people, one event of "
                f"{capacity} places, concurrent POSTs): rate",
                "figure": f"{_median(rps('storm'))} req/s (rounds: "
                + ", ".join(str(v) for v in rps("storm"))
                + f"); spread over {results.get('spread_events')} events: "
                f"{_median(rps('spread'))} req/s; trivial page {_median(rps('pages', 'trivial'))} req/s",
                "target": "—",
                "ok": None,
            }
        )
        rows.append(
            {
                "measure": "storm ÷ same POSTs spread over the events",
                "figure": f"{storm_spread} (rounds: "
                + ", ".join(str(v) for v in ratio("storm_vs_spread"))
                + ")",
                "target": "≥ 0.8",
                "ok": storm_spread is not None and storm_spread >= 0.8,
            }
        )
        rows.append(
            {
                "measure": "storm ÷ trivial page (same round)",
                "figure": f"{storm_trivial} (rounds: "
                + ", ".join(str(v) for v in ratio("storm_vs_trivial"))
                + ")",
                "target": "≥ 0.3",
                "ok": storm_trivial is not None and storm_trivial >= 0.3,
            }
        )
        rows.append(
            {
                "measure": "storm correctness: exactly "
                f"{capacity} confirmed, {people - capacity} waitlisted in decision order, one "
                "e-mail each, no 5xx (spread: all confirmed, one e-mail each)",
                "figure": "held in every round"
                if correct and spread_ok
                else "FAILED: "
                + "; ".join(
                    f"round {r['round']}: storm {r['storm']['check']['by_status']}, 5xx "
                    f"{r['storm']['server_errors']}, no answer {r['storm']['failed_connections']}, "
                    f"e-mails ok {r['storm']['check']['one_email_each']}; "
                    f"spread {r['spread']['check']['by_status']}, 5xx {r['spread']['server_errors']}"
                    for r in rounds
                ),
                "target": "exact",
                "ok": correct and spread_ok,
            }
        )
        for name, label in (
            ("event_detail", "event detail"),
            ("calendar", "calendar"),
            ("catalogue", "catalogue"),
        ):
            value = _median(ratio(f"{name}_vs_trivial"))
            rows.append(
                {
                    "measure": f"{label} ÷ trivial page (same gunicorn, same round)",
                    "figure": f"{value} ({_median(rps('pages', name))} req/s; rounds: "
                    + ", ".join(str(v) for v in ratio(f"{name}_vs_trivial"))
                    + ")"
                    + _cpu_ratio(rounds, name),
                    "target": "≥ 0.6",
                    "ok": value is not None and value >= 0.6,
                }
            )
        rows.append(
            {
                "measure": "trivial page",
                "figure": f"{_median(rps('pages', 'trivial'))} req/s (rounds: "
                + ", ".join(str(v) for v in rps("pages", "trivial"))
                + ")",
                "target": "—",
                "ok": None,
            }
        )
    queries = results.get("queries", {})
    if queries:
        one, ten = queries.get("1x", {}), queries.get("10x", {})
        for name in (*GET_PAGES, "registration POST"):
            limit = POST_LIMIT if name == "registration POST" else GET_LIMIT
            # The verdict counts statements that do work: BEGIN, COMMIT, SAVEPOINT and RELEASE
            # are shown beside it (Django's captured queries include them).
            a = _work(one.get(name))
            b = _work(ten.get(name)) if ten else None
            total_a = one.get(name, {}).get("queries")
            total_b = ten.get(name, {}).get("queries") if ten else None
            if a is None:
                ok = None
            elif b is None:
                ok = False if a > limit else None
            else:
                ok = a <= limit and b <= limit and a == b
            rows.append(
                {
                    "measure": f"queries: {name} (1x → 10x data)",
                    "figure": f"{a} → {b if b is not None else 'not measured'}"
                    + (
                        f" ({total_a} → {total_b} with BEGIN/COMMIT/SAVEPOINT/RELEASE)"
                        if total_a != a
                        else ""
                    ),
                    "target": f"≤ {limit}, equal at 1x and 10x",
                    "ok": ok,
                }
            )
    reminders = results.get("reminders")
    if reminders:
        seconds = reminders["seconds_until_all_sent"]
        rows.append(
            {
                "measure": f"{reminders['due']:,} reminders until all sent, real worker "
                "(beat task → outbox → worker → SMTP)",
                "figure": (
                    f"{seconds} s"
                    if seconds is not None
                    else f"not done in {reminders['timeout_s']:.0f} s"
                )
                + f" (in the outbox after {reminders['seconds_until_all_in_outbox']} s); "
                f"outbox rows {reminders['outbox_rows']:,}, sent {reminders['sent_rows']:,}, "
                f"received by SMTP {reminders['received_by_smtp']:,}; worker CPU "
                f"{reminders.get('worker_cpu_s')} s"
                + (
                    "; CPU s by part: "
                    + ", ".join(f"{k} {v}" for k, v in reminders["stack_cpu_s"].items())
                    if reminders.get("stack_cpu_s")
                    else ""
                ),
                "target": f"≤ 20 s, exactly {reminders['due']:,}",
                "ok": seconds is not None and seconds <= 20 and reminders["exact"],
            }
        )
    attendance = results.get("attendance_list")
    if attendance:
        median = attendance["median_s"]
        failures = attendance.get("failures") or []
        rows.append(
            {
                "measure": f"attendance list, {attendance['people']:,} people (PDF through gunicorn)",
                "figure": (f"{median} s" if median is not None else "no PDF")
                + (
                    f", {_median(attendance['gunicorn_cpu_s'])} s CPU"
                    if attendance.get("gunicorn_cpu_s")
                    else ""
                )
                + " (runs: "
                + ", ".join(str(v) for v in attendance["seconds"])
                + (f"; failed: {'; '.join(failures)}" if failures else "")
                + ")"
                + _attendance_paths(attendance),
                "target": "≤ 1.5 s",
                "ok": median is not None and median <= 1.5 and not failures,
            }
        )
    return rows


def latency_rows(results: dict) -> list[tuple]:
    rounds = results.get("rounds", [])
    rows = []
    for name in ("trivial", "event_detail", "calendar", "catalogue"):
        p50 = _median([r["pages"][name]["p50_ms"] for r in rounds])
        p95 = _median([r["pages"][name]["p95_ms"] for r in rounds])
        errors = sum(r["pages"][name]["server_errors"] for r in rounds)
        rows.append((name.replace("_", " "), p50, p95, errors, _cpu(rounds, "pages", name)))
    for name in ("storm", "spread"):
        p50 = _median([r[name]["p50_ms"] for r in rounds])
        p95 = _median([r[name]["p95_ms"] for r in rounds])
        rows.append(
            (
                f"registration POST, {name} (all at once)",
                p50,
                p95,
                sum(r[name]["server_errors"] for r in rounds),
                _cpu(rounds, name),
            )
        )
    return rows


def _kept_analysis(path: Path) -> str:
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8")
    if ANALYSIS_START in text and ANALYSIS_END in text:
        return text.split(ANALYSIS_START, 1)[1].split(ANALYSIS_END, 1)[0].strip("\n")
    return ""


def render(results: dict, analysis: str = "") -> str:
    m = results["machine"]
    s = results["settings"]
    lines = [
        "# Benchmarks at region scale",
        "",
        f"Written by `{results['command']}` (bench/region/run.py) on {results['date']}, commit "
        f"`{results.get('commit', '?')}`; whole run {results.get('total_minutes', '?')} min.",
        "",
        f"- Machine: {m['cores']} cores, {m['cpu_model']}, {m['ram_gib']} GiB RAM, Linux "
        f"{m['kernel']}, Python {m['python']}.",
        f"- Load before: `{results['uptime_before']}`; after: `{results.get('uptime_after', '')}`.",
        "  The machine is shared: other people's test suites ran at the same time, so absolute "
        "figures move from run to run; the ratios are taken within one round to cancel most of that.",
        f"- Portal: gunicorn, {s['gunicorn_workers']} sync workers, `{s['django_settings']}`, "
        f"PostgreSQL and Redis; a Celery worker ({s['celery_concurrency']} processes) and an SMTP "
        "server on the same machine; the load generator (bench/region/load.py, asyncio) in another "
        f"process; {s['rounds']} rounds, {s['duration_s']:.0f} s per page rate at "
        f"{s['concurrency']} concurrent users.",
    ]
    generator = results.get("generator")
    if generator:
        counts = generator["counts"]
        lines.append(
            f"- Data (database `{s['database']}`, created and dropped by the run): "
            f"{counts['organisations']:,} organisations, {counts['people']:,} people, "
            f"{counts['events']:,} events, {counts['registrations']:,} registrations, "
            f"{counts['advisory_cases']:,} advisory cases (demo data included), generated in "
            f"{generator['seconds']} s (target < 300 s; plus migrate {generator['migrate_seconds']} s "
            f"and demo data {generator['demo_seconds']} s)."
        )
    grow = results.get("grow_10x")
    if grow:
        c = grow["counts"]
        lines.append(
            f"- 10x data for the query counts: {c['organisations']:,} organisations, "
            f"{c['people']:,} people, {c['events']:,} events, {c['registrations']:,} "
            f"registrations, {c['advisory_cases']:,} advisory cases (added in {grow['seconds']} s)."
        )
    if results.get("error"):
        lines += ["", f"**The run stopped early: {results['error']}** (figures below are partial)."]
    lines += [
        "",
        "## The targets",
        "",
        "| measure | figure | target | verdict |",
        "|---|---|---|---|",
    ]
    for row in evaluate(results):
        lines.append(
            f"| {row['measure']} | {row['figure']} | {row['target']} | {_verdict(row['ok'])} |"
        )
    lines += [
        "",
        f"## Latency at {s['concurrency']} concurrent users (median of the rounds)",
        "",
        "| page | p50 ms | p95 ms | 5xx | gunicorn CPU ms per request |",
        "|---|---|---|---|---|",
    ]
    for name, p50, p95, errors, cpu in latency_rows(results):
        lines.append(f"| {name} | {p50} | {p95} | {errors} | {cpu} |")
    lines += _stack_cpu_lines(results)
    queries = results.get("queries", {})
    if queries:
        lines += [
            "",
            "## Query counts per page (second request; 1x → 10x)",
            "",
            "Statements that do work; in brackets all captured statements, with BEGIN, COMMIT, "
            "SAVEPOINT and RELEASE.",
            "",
            "| page | 1x | 10x |",
            "|---|---|---|",
        ]
        for name, value in queries.get("1x", {}).items():
            ten = queries.get("10x", {}).get(name)
            ten_text = f"{_work(ten)} ({ten['queries']})" if ten else "—"
            lines.append(f"| {name} | {_work(value)} ({value['queries']}) | {ten_text} |")
        lines.append("")
        lines.append("The statements of each page are in bench/results/latest.json (`queries`).")
    samples = results.get("load_samples")
    if samples:
        lines += [
            "",
            "Load average (1, 5, 15 min) during the run: "
            + "; ".join(f"{s['at']}: {', '.join(str(x) for x in s['loadavg'])}" for s in samples)
            + ".",
        ]
    lines += [
        "",
        "## Why a target is missed, and what would fix it",
        "",
        ANALYSIS_START,
        analysis or "_Not yet written for this run._",
        ANALYSIS_END,
        "",
        "## How to run",
        "",
        "`make bench` runs the pytest-benchmark micro-benchmarks (bench/test_*.py) and then this "
        "region-scale run (`python -m bench.region.run`; `make bench-region` runs it alone). "
        "It needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL; the database "
        "`<name>_region` is created and dropped). Options: `--scale`, `--rounds`, `--duration`, "
        "`--skip-10x`, `--keep-db`. Raw figures: bench/results/latest.json.",
        "",
    ]
    return "\n".join(lines)


def write(results: dict, path: Path) -> None:
    path.write_text(render(results, _kept_analysis(path)), encoding="utf-8")


def _attendance_paths(attendance: dict) -> str:
    """The two ways the list is made: on request (nothing stored yet) and ahead by the worker."""
    on_request, ahead = (
        attendance.get("rendered_on_request"),
        attendance.get("rendered_ahead_by_worker"),
    )
    text = ""
    if on_request and on_request.get("seconds"):
        text += (
            f"; rendered on request: {on_request['seconds'][0]} s, "
            f"{on_request['gunicorn_cpu_s'][0]} s CPU"
        )
    if ahead:
        text += (
            f"; rendered ahead by the worker in {ahead['seconds']} s, {ahead['worker_cpu_s']} s CPU"
        )
    return text


def _stack_cpu_lines(results: dict) -> list[str]:
    """CPU per registration POST of each part of the stack (median of the rounds), e-mails
    included: where a burst's time goes on the two shared cores."""
    rounds = results.get("rounds", [])
    names = [name for name in ("storm", "spread") if any(r.get(name) for r in rounds)]
    samples = {
        name: [
            r[name]["stack_cpu_ms_per_request"]
            for r in rounds
            if r.get(name, {}).get("stack_cpu_ms_per_request")
        ]
        for name in names
    }
    if not any(samples.values()):
        return []
    parts = list(next(iter(v for v in samples.values() if v))[0])
    lines = [
        "",
        "## CPU per registration POST, by part of the stack (ms, median of the rounds)",
        "",
        "From the burst until the worker has sent its e-mails; all on the same two cores.",
        "",
        "| burst | " + " | ".join(parts) + " | all |",
        "|---|" + "---|" * (len(parts) + 1),
    ]
    for name, values in samples.items():
        if not values:
            continue
        medians = [statistics.median(v[part] for v in values) for part in parts]
        lines.append(
            f"| {name} | " + " | ".join(f"{m:.1f}" for m in medians) + f" | {sum(medians):.1f} |"
        )
    return lines
