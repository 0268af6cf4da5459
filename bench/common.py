"""Shared benchmark plumbing: a PostgreSQL database, gunicorn on loopback, wrk as the bounded load
generator. Every load test here targets 127.0.0.1 only and stops by itself."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")

WRK_REPORT = r"""
done = function(summary, latency, requests)
  local out = string.format('{"requests": %d, "duration_us": %d, "errors": %d, "non2xx": %d,',
    summary.requests, summary.duration, summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout, summary.errors.status)
  out = out .. string.format('"p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %d}',
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean)
  io.stderr:write("WRKJSON" .. out .. "\n")
end
"""


def _wrk_lines(request: str) -> str:
    """A wrk script that reads one line per request from the file named after `--`, and sends a
    random one of them as `request` (a Lua expression of `line`)."""
    return (
        "lines = {}\n"
        "init = function(args)\n"
        "  for l in io.lines(args[1]) do lines[#lines + 1] = l end\n"
        "end\n"
        "request = function()\n"
        "  local line = lines[math.random(#lines)]\n"
        f"  return {request}\n"
        "end\n"
    )


WRK_PATHS = _wrk_lines("wrk.format(nil, line)")  # each line is a path to GET
# Each line is a form body posted to the URL's path (the registry search is a POST).
WRK_FORMS = _wrk_lines('wrk.format("POST", nil, nil, line)')

CSRF_TOKEN = "b" * 32  # a fixed CSRF secret for the load generator's cookie and header


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def ensure_pg_database(name: str) -> str:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG}/{name}"


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    log("installing wrk (Debian package)")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
    return shutil.which("wrk") or "wrk"


class Server:
    """gunicorn serving a WSGI app on 127.0.0.1:port with the given environment."""

    def __init__(
        self,
        app: str,
        port: int,
        *,
        workers: int = 2,
        env: dict | None = None,
        extra_args: list[str] | None = None,
    ):
        self.app, self.port, self.workers = app, port, workers
        self.env = {**os.environ, **(env or {})}
        self.extra_args = extra_args or []
        self.proc: subprocess.Popen | None = None
        # gunicorn's access log gives each request's server time (%(D)s, microseconds, from the
        # parsed request to the written response): what a request costs the server, without
        # the time it waited in the listen queue behind other requests.
        self.access_log = Path(tempfile.mkstemp(prefix="kohtaamo-bench-access-", suffix=".log")[1])

    def log_offset(self) -> int:
        return self.access_log.stat().st_size

    def server_times_ms(self, since: int = 0) -> list[float]:
        """Server time of each request logged after byte offset `since`, in milliseconds."""
        with self.access_log.open("rb") as f:
            f.seek(since)
            lines = f.read().decode("ascii", "replace").splitlines()
        times = []
        for line in lines:
            parts = line.split()
            if len(parts) >= 2 and parts[0] == "T" and parts[1].isdigit():
                times.append(int(parts[1]) / 1000)
        return times

    def __enter__(self):
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                self.app,
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
                "--access-logfile",
                str(self.access_log),
                "--access-logformat",
                "T %(D)s %(s)s",
                *self.extra_args,
            ],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2)  # noqa: S310
                return self
            except Exception:
                time.sleep(0.3)
        raise RuntimeError(f"{self.app} did not start on port {self.port}")

    def __exit__(self, *exc):
        if self.proc:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.access_log.unlink(missing_ok=True)

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker process."""
        out = subprocess.run(
            ["ps", "-o", "pid=,rss=", "--ppid", str(self.proc.pid)], capture_output=True, text=True
        ).stdout
        return [
            round(int(line.split()[1]) / 1024, 1)
            for line in out.strip().splitlines()
            if line.strip()
        ]


def wrk(
    url: str,
    *,
    seconds: int = 8,
    connections: int = 4,
    threads: int = 2,
    headers: dict | None = None,
    paths_file: Path | None = None,
    forms_file: Path | None = None,
    server: Server | None = None,
) -> dict:
    """Run wrk against a loopback URL for a bounded time; returns rps and latency percentiles (ms).

    Given the `server`, also the server-time percentiles of the same requests from its access log
    (`server_p50_ms` ...): the client-side figures include queueing behind the other connections.
    """
    assert url.startswith("http://127.0.0.1:"), "load goes to loopback only"
    script = RESULTS / ".wrk.lua"
    lines_file = paths_file or forms_file
    script.write_text((WRK_PATHS if paths_file else WRK_FORMS if forms_file else "") + WRK_REPORT)
    if forms_file:
        cookie = "; ".join(filter(None, [(headers or {}).get("Cookie"), f"csrftoken={CSRF_TOKEN}"]))
        headers = {
            **(headers or {}),
            "Cookie": cookie,
            "X-CSRFToken": CSRF_TOKEN,
            "Content-Type": "application/x-www-form-urlencoded",
        }
    cmd = [
        ensure_wrk(),
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        "5s",
        "-s",
        str(script),
    ]
    for key, value in (headers or {}).items():
        cmd += ["-H", f"{key}: {value}"]
    cmd.append(url)
    if lines_file:
        cmd += ["--", str(lines_file)]
    offset = server.log_offset() if server else 0
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30)
    line = next(line for line in result.stderr.splitlines() if line.startswith("WRKJSON"))
    data = json.loads(line[len("WRKJSON") :])
    script.unlink(missing_ok=True)
    figures = {
        "rps": round(data["requests"] / (data["duration_us"] / 1e6), 1),
        "p50_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "requests": data["requests"],
        "errors": data["errors"],
        "non2xx": data["non2xx"],
    }
    if server:
        time.sleep(0.2)  # the last responses' log lines
        figures.update(percentiles(server.server_times_ms(offset), prefix="server_"))
    return figures


def percentiles(samples: list[float], *, prefix: str = "") -> dict:
    """p50/p95/p99 (nearest rank) of millisecond samples, with their count."""
    ordered = sorted(samples)
    if not ordered:
        return {f"{prefix}count": 0}

    def rank(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, max(0, int(-(-p * len(ordered) // 1)) - 1))], 2)

    return {
        f"{prefix}p50_ms": rank(0.50),
        f"{prefix}p95_ms": rank(0.95),
        f"{prefix}p99_ms": rank(0.99),
        f"{prefix}count": len(ordered),
    }


def write_results(name: str, data: dict, summary_lines: list[str]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    (RESULTS / f"{name}.txt").write_text("\n".join(summary_lines) + "\n")
    for line in summary_lines:
        print(line)


def latency_table(
    results: dict, rows: list[tuple[str, str]], *, bare: str | None = None
) -> list[str]:
    """The wrk figures of `rows` ((key, label) pairs) beside their server time, as text lines."""
    width = max(len(label) for _, label in rows) + 2
    lines = [
        f"{'':<{width}}{'':>9}{'--- at the load generator ---':^37}{'--- server time ---':^27}",
        f"{'page':<{width}}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'p50/bare' if bare else '':>10}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'non-2xx':>9}",
    ]
    for key, label in rows:
        r = results[key]
        ratio = r.get("p50_ratio_to_bare", 1) if bare else ""
        lines.append(
            f"{label:<{width}}{r['rps']:>9}{r['p50_ms']:>9.2f}{r['p95_ms']:>9.2f}{r['p99_ms']:>9.2f}"
            f"{ratio:>10}{r.get('server_p50_ms', 0):>9.2f}{r.get('server_p95_ms', 0):>9.2f}"
            f"{r.get('server_p99_ms', 0):>9.2f}{r['non2xx']:>9}"
        )
    lines.append(
        "server time: gunicorn's own measure of each request (parsed request to written "
        "response), without the wait in the listen queue behind the other connections"
    )
    return lines


def analyse(database_url: str) -> None:
    """ANALYZE the whole bench database before it is loaded: autovacuum may be off on a bench
    host, and without column statistics the planner ignores indexes that production (with
    autovacuum on) uses. A sample per table, seconds even for ten million rows."""
    import psycopg

    log("ANALYZE (planner statistics)")
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("ANALYZE")
