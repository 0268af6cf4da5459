"""Shared benchmark plumbing: a PostgreSQL database, gunicorn on loopback, wrk as the bounded load
generator. Every load test here targets 127.0.0.1 only and stops by itself."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
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

WRK_PATHS = r"""
paths = {}
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
end
request = function()
  return wrk.format(nil, paths[math.random(#paths)])
end
"""


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

    def __init__(self, app: str, port: int, *, workers: int = 2, env: dict | None = None):
        self.app, self.port, self.workers = app, port, workers
        self.env = {**os.environ, **(env or {})}
        self.proc: subprocess.Popen | None = None

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
) -> dict:
    """Run wrk against a loopback URL for a bounded time; returns rps and latency percentiles (ms)."""
    assert url.startswith("http://127.0.0.1:"), "load goes to loopback only"
    script = RESULTS / ".wrk.lua"
    script.write_text((WRK_PATHS if paths_file else "") + WRK_REPORT)
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
    if paths_file:
        cmd += ["--", str(paths_file)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30)
    line = next(line for line in result.stderr.splitlines() if line.startswith("WRKJSON"))
    data = json.loads(line[len("WRKJSON") :])
    script.unlink(missing_ok=True)
    return {
        "rps": round(data["requests"] / (data["duration_us"] / 1e6), 1),
        "p50_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "requests": data["requests"],
        "errors": data["errors"],
        "non2xx": data["non2xx"],
    }


def write_results(name: str, data: dict, summary_lines: list[str]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    (RESULTS / f"{name}.txt").write_text("\n".join(summary_lines) + "\n")
    for line in summary_lines:
        print(line)
