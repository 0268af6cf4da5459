"""Outreach benchmark (issue 8), on SQLite and on PostgreSQL, in throwaway databases:

- syncing 1,000 queued field contacts through `POST /api/v1/outreach/sync` (the Django test
  client, batches of 100 as the phone sends them; target ≤ 10 s), and the same 1,000 again (all
  duplicates);
- the time from a new check-in, and from a missed one, to its appearance on the safety board
  (target ≤ 5 s), with a real poll loop: a second thread polls the board fragment every 3 s the
  way the page does (HTMX headers, `?v=` so an unchanged board answers 204).

    python -m bench.outreach            # both databases
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTACTS = int(os.environ.get("BENCH_OUTREACH_CONTACTS", "1000"))
BATCH = 100
POLL_SECONDS = 3.0
TRIALS = int(os.environ.get("BENCH_OUTREACH_TRIALS", "6"))


def _setup():
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings.DEBUG = False  # no query log in memory while measuring
    settings.ALERT_NOTIFIER = "sink"
    settings.CHECKIN_MARGIN_MINUTES = 10


def _world():
    from kohtaamo.audit.actions import Actor
    from kohtaamo.outreach import actions
    from kohtaamo.outreach.models import OutreachPlace
    from kohtaamo.testing.factories import OrganisationFactory, TeamFactory, member

    county = OrganisationFactory(slug=f"bench-{uuid.uuid4().hex[:6]}")
    team = TeamFactory(unit__organisation=county)
    users = [
        member(county, "social_counsellor", team=team, username=f"bench{i}-{county.slug}")
        for i in range(2)
    ]
    watcher = member(county, "social_counsellor", team=team, username=f"watch-{county.slug}")
    on_call = member(county, "manager", username=f"oncall-{county.slug}")
    place = actions.save_outreach_place(
        Actor.system("bench"),
        actions.PlaceInput(
            organisation_id=county.pk, name_fi="Bench-asema", kind=OutreachPlace.Kind.STATION
        ),
    ).place
    return county, team, users, watcher, on_call, place


def _shift(team, users, on_call, place):
    import datetime

    from django.utils import timezone

    from kohtaamo.outreach import actions

    start = timezone.now() - datetime.timedelta(minutes=5)
    shift = actions.plan_shift(
        None,
        by=users[0],
        team=team,
        planned_start=start,
        planned_end=start + datetime.timedelta(hours=4),
        workers=users,
        on_call=on_call,
        visits=[actions.VisitInput(place, start, start + datetime.timedelta(hours=4))],
    )
    return actions.start_shift(shift, by=users[0])


def measure_sync(client, shift, count: int = CONTACTS) -> dict:
    from django.utils import timezone

    from kohtaamo.outreach.models import FieldContact

    rng = random.Random(1)
    themes = ["housing", "substance_use", "loneliness", "income", "mental_health"]
    now = timezone.now()
    items = [
        {
            "client_id": str(uuid.uuid4()),
            "kind": "contact",
            "device_time": (now.replace(microsecond=0)).isoformat(),
            "payload": {
                "shift": str(shift.code),
                "themes": rng.sample(themes, k=rng.randint(1, 2)),
                "support": ["listening"],
                "identity_level": "pseudonymous" if i % 4 == 0 else "anonymous",
                "contact_code": f"KALA-{1000 + i % 97}" if i % 4 == 0 else "",
            },
        }
        for i in range(count)
    ]

    def send_all():
        statuses = {}
        t0 = time.perf_counter()
        for i in range(0, len(items), BATCH):
            body = {"sent_at": timezone.now().isoformat(), "items": items[i : i + BATCH]}
            response = client.post(
                "/api/v1/outreach/sync", json.dumps(body), content_type="application/json"
            )
            assert response.status_code == 200, response.content[:500]
            for row in response.json()["items"]:
                statuses[row["status"]] = statuses.get(row["status"], 0) + 1
        return round(time.perf_counter() - t0, 2), statuses

    client.get(
        "/api/v1/outreach/shifts"
    )  # warm up: a running server has its URLs and schemas loaded
    first_s, first = send_all()
    again_s, again = send_all()
    return {
        "contacts": count,
        "batch": BATCH,
        "sync_s": first_s,
        "per_contact_ms": round(first_s / count * 1000, 2),
        "statuses": first,
        "resync_s": again_s,
        "resync_statuses": again,
        "saved": FieldContact.objects.filter(shift=shift).count(),
    }


class Poller(threading.Thread):
    """Polls the board fragment every 3 s like the page does; keeps (time, html) of each answer."""

    def __init__(self, client):
        super().__init__(daemon=True)
        self.client = client
        self.version = ""
        self.html = ""
        self.answers: list[tuple[float, str]] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def run(self):
        from django.db import connection

        try:
            while not self.stop.is_set():
                started = time.monotonic()
                response = self.client.get(
                    f"/outreach/board/?v={self.version}",
                    HTTP_HX_REQUEST="true",
                    HTTP_X_KOHTAAMO_POLL="1",
                )
                if response.status_code == 200:
                    self.html = response.content.decode()
                    found = re.search(r"/outreach/board/\?v=([0-9a-f]+)", self.html)
                    self.version = found.group(1) if found else ""
                with self.lock:
                    self.answers.append((time.monotonic(), self.html))
                self.stop.wait(max(POLL_SECONDS - (time.monotonic() - started), 0))
        finally:
            connection.close()

    def first_after(self, since: float, predicate, timeout: float = 15.0) -> float | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for at, html in self.answers:
                    if at >= since and predicate(html):
                        return at - since
            time.sleep(0.02)
        return None


def _row(html: str, username: str) -> str:
    found = re.search(rf'data-worker="{re.escape(username)}">(.*?)</tr>', html, re.S)
    return found.group(1) if found else ""


def measure_board(poller, world) -> dict:
    import datetime

    from django.utils import timezone

    from kohtaamo.outreach import actions
    from kohtaamo.outreach.models import CheckIn

    _county, team, users, _watcher, on_call, place = world
    rng = random.Random(3)
    check_in_s, alert_s = [], []
    for _ in range(TRIALS):
        shift = _shift(team, users, on_call, place)
        time.sleep(rng.uniform(0, POLL_SECONDS))  # at a random point of the poll cycle
        since = time.monotonic()
        actions.check_in(shift, by=users[0], place=place, next_minutes=30)
        marker = f'data-shift="{shift.code}"'
        check_in_s.append(
            poller.first_after(
                since,
                lambda h, m=marker: (
                    m in h and 'data-status="ok"' in _row(h.split(m, 1)[1], users[0].username)
                ),
            )
        )
        time.sleep(rng.uniform(0, POLL_SECONDS))
        since = time.monotonic()
        CheckIn.objects.filter(shift=shift, worker=users[0]).update(
            next_by=timezone.now() - datetime.timedelta(minutes=11)
        )
        alert_s.append(
            poller.first_after(
                since,
                lambda h, m=marker: (
                    m in h and 'data-kind="overdue"' in h.split(m, 1)[1].split("board-shift", 1)[0]
                ),
            )
        )
        actions.confirm_safe(shift, by=users[0])
        actions.confirm_safe(shift, by=users[1])
        from kohtaamo.outreach.models import SafetyAlert

        for alert in SafetyAlert.objects.open().filter(shift=shift):
            actions.acknowledge_alert(alert, by=on_call)

    def stats(values):
        ok = [v for v in values if v is not None]
        return {
            "trials": len(values),
            "missed": len(values) - len(ok),
            "mean_s": round(sum(ok) / len(ok), 2) if ok else None,
            "max_s": round(max(ok), 2) if ok else None,
        }

    return {
        "poll_interval_s": POLL_SECONDS,
        "check_in": stats(check_in_s),
        "overdue_alert": stats(alert_s),
    }


def measure() -> dict:
    _setup()
    from django.db import connection
    from django.test import Client

    from kohtaamo.testing.helpers import login_verified

    world = _world()
    _county, team, users, watcher, on_call, place = world
    shift = _shift(team, users, on_call, place)
    sync = measure_sync(login_verified(Client(), users[0]), shift)
    from kohtaamo.outreach import actions

    actions.confirm_safe(shift, by=users[0])
    actions.confirm_safe(shift, by=users[1])
    poller = Poller(login_verified(Client(), watcher))
    poller.start()
    try:
        board = measure_board(poller, world)
    finally:
        poller.stop.set()
        poller.join(timeout=10)
    return {"database": connection.vendor, "sync": sync, "board": board}


def _child(database_url: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "kohtaamo.settings",
        "DEBUG": "true",
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "KOHTAAMO_ALLOW_TEMPORARY_HETU": "true",
    }
    code = "import json; from bench.outreach import measure; print('RESULT', json.dumps(measure()))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    line = next(line for line in out.stdout.splitlines() if line.startswith("RESULT"))
    return json.loads(line[len("RESULT ") :])


def _reset_pg(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def run() -> dict:
    from bench.common import ensure_pg_database, log

    tmp = Path(tempfile.mkdtemp(prefix="kohtaamo-outreach-"))
    results = {"contacts": CONTACTS}
    log("outreach: SQLite")
    results["sqlite"] = _child(f"sqlite:///{tmp}/bench.sqlite3")
    log("outreach: PostgreSQL")
    pg = ensure_pg_database("kohtaamo_bench_outreach")
    _reset_pg(pg)
    results["postgresql"] = _child(pg)
    results["targets"] = {
        f"{db}_{name}": ok
        for db in ("sqlite", "postgresql")
        for name, ok in (
            ("sync_1000<=10s", results[db]["sync"]["sync_s"] <= 10),
            ("no_duplicates", results[db]["sync"]["saved"] == CONTACTS),
            (
                "board<=5s",
                all(
                    results[db]["board"][k]["missed"] == 0
                    and (results[db]["board"][k]["max_s"] or 99) <= 5
                    for k in ("check_in", "overdue_alert")
                ),
            ),
        )
    }
    return results


def summary(results: dict) -> list[str]:
    lines = [f"Outreach benchmark ({results['contacts']} queued field contacts)"]
    for db in ("sqlite", "postgresql"):
        r = results.get(db)
        if not r:
            continue
        s, b = r["sync"], r["board"]
        lines.append(
            f"  {db}: sync {s['sync_s']} s ({s['per_contact_ms']} ms/contact, {s['statuses']}); "
            f"same batch again {s['resync_s']} s ({s['resync_statuses']}); saved {s['saved']}"
        )
        lines.append(
            f"  {db}: board (poll {b['poll_interval_s']} s): check-in shown in mean {b['check_in']['mean_s']} s, "
            f"max {b['check_in']['max_s']} s; overdue alert mean {b['overdue_alert']['mean_s']} s, "
            f"max {b['overdue_alert']['max_s']} s ({b['check_in']['trials']} trials each)"
        )
    lines.append(
        "  targets: "
        + ", ".join(f"{k}={'ok' if v else 'MISSED'}" for k, v in results["targets"].items())
    )
    return lines


if __name__ == "__main__":
    data = run()
    print("\n".join(summary(data)))
