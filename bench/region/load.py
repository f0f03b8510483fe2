"""The load generator: a small asyncio HTTP/1.1 client in a process of its own.

gunicorn's sync workers close the connection after every response, so each request opens a
connection, sends one request and reads to EOF: the client needs nothing more than asyncio
streams, and costs far less CPU per request than the portal does.

``python -m bench.region.load SPEC.json`` prints a JSON list with one result per phase:

- ``{"kind": "rate", "name", "paths": [...], "cookies": [...]|null, "concurrency", "duration",
  "warmup"}``: ``concurrency`` users request the paths in turn for ``duration`` seconds;
  requests per second and latency percentiles.
- ``{"kind": "burst", "name", "requests": [{"method", "path", "cookies", "form"}],
  "concurrency"}``: every request started at once (at most ``concurrency`` in flight); the rate
  is the number of requests over the time until the last answer.
"""

import asyncio
import json
import sys
import time
from collections import Counter
from urllib.parse import urlencode


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


class Client:
    def __init__(self, host: str, port: int, timeout: float = 600.0):
        self.host, self.port, self.timeout = host, port, timeout

    async def request(
        self, method: str, path: str, cookies: dict | None = None, form: dict | None = None
    ) -> tuple[int, float, str]:
        """(status, seconds, Location header); status 0 when the connection failed."""
        started = time.perf_counter()
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "User-Agent: portal-bench",
            "Accept-Language: pl",
            "Connection: close",
        ]
        if cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        body = b""
        if form is not None:
            body = urlencode(form).encode()
            lines.append("Content-Type: application/x-www-form-urlencoded")
            lines.append(f"Content-Length: {len(body)}")
        payload = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(self.host, self.port), self.timeout
            )
            try:
                writer.write(payload)
                await writer.drain()
                data = await asyncio.wait_for(reader.read(), self.timeout)
            finally:
                writer.close()
        except (TimeoutError, OSError):
            return 0, time.perf_counter() - started, ""
        elapsed = time.perf_counter() - started
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        try:
            status = int(head.split(" ", 2)[1])
        except (IndexError, ValueError):
            return 0, elapsed, ""
        location = ""
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "location":
                location = value.strip()
        return status, elapsed, location


async def rate(client: Client, phase: dict) -> dict:
    paths = phase["paths"]
    cookies = phase.get("cookies") or [None]
    concurrency = phase.get("concurrency", 20)

    async def user(number: int, deadline: float, sink: list | None) -> None:
        turn = number
        while time.perf_counter() < deadline:
            path = paths[turn % len(paths)]
            status, elapsed, _ = await client.request("GET", path, cookies[turn % len(cookies)])
            turn += concurrency
            if sink is not None:
                sink.append((status, elapsed))

    warmup = phase.get("warmup", 1.0)
    if warmup:
        deadline = time.perf_counter() + warmup
        await asyncio.gather(*(user(n, deadline, None) for n in range(concurrency)))
    results: list[tuple[int, float]] = []
    started = time.perf_counter()
    deadline = started + phase.get("duration", 8.0)
    await asyncio.gather(*(user(n, deadline, results) for n in range(concurrency)))
    elapsed = time.perf_counter() - started
    return _summary(phase, results, elapsed)


async def burst(client: Client, phase: dict) -> dict:
    gate = asyncio.Semaphore(phase.get("concurrency", len(phase["requests"])))
    results: list[tuple[int, float]] = []
    locations: Counter = Counter()

    async def one(spec: dict) -> None:
        async with gate:
            status, elapsed, location = await client.request(
                spec.get("method", "POST"), spec["path"], spec.get("cookies"), spec.get("form")
            )
        results.append((status, elapsed))
        locations[location] += 1

    started = time.perf_counter()
    await asyncio.gather(*(one(spec) for spec in phase["requests"]))
    elapsed = time.perf_counter() - started
    summary = _summary(phase, results, elapsed)
    summary["locations"] = dict(locations.most_common(5))
    return summary


def _summary(phase: dict, results: list, elapsed: float) -> dict:
    latencies = [seconds for _status, seconds in results]
    statuses = Counter(str(status) for status, _seconds in results)
    return {
        "name": phase["name"],
        "kind": phase["kind"],
        "requests": len(results),
        "seconds": round(elapsed, 3),
        "rps": round(len(results) / elapsed, 2) if elapsed else None,
        "p50_ms": round(1000 * percentile(latencies, 0.5), 1) if latencies else None,
        "p95_ms": round(1000 * percentile(latencies, 0.95), 1) if latencies else None,
        "statuses": dict(statuses),
        "server_errors": sum(n for s, n in statuses.items() if s.startswith("5")),
        "failed_connections": statuses.get("0", 0),
        "concurrency": phase.get("concurrency"),
    }


async def main(spec: dict) -> list[dict]:
    client = Client(spec.get("host", "127.0.0.1"), spec["port"])
    out = []
    for phase in spec["phases"]:
        runner = rate if phase["kind"] == "rate" else burst
        out.append(await runner(client, phase))
    return out


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as file:
        specification = json.load(file)
    json.dump(asyncio.run(main(specification)), sys.stdout)
