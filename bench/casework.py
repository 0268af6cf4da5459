"""Case-management benchmark (issue 7): 200,000 client matters in PostgreSQL, then the caseload view
of a worker with 40 open clients and a person's timeline with 500 events, under load on loopback.

`fill_casework(matters=...)` is the reusable part: 2,000 workers in 200 teams, one person per
matter, 100 matters per worker (40 open, 60 closed), bulk-loaded with PostgreSQL COPY (or
`bulk_create` on SQLite); then one client of the bench worker gets 500 timeline events (support
meetings, progress notes, done plan steps, contacts, group attendance). Idempotent.

Targets: caseload (40 clients) p95 <= 100 ms; timeline (500 events) p95 <= 150 ms; the query count
of both pages constant in the number of rows (measured in-process with 10 vs 40 clients and
100 vs 500 events).
"""

from __future__ import annotations

import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import uuid

from bench.common import ROOT, Server, analyse, ensure_pg_database, latency_table, log, wrk

MATTERS = int(os.environ.get("BENCH_CASEWORK_MATTERS", "200000"))
DATABASE = os.environ.get("BENCH_CASEWORK_DB", "kohtaamo_bench_casework")
TEAMS, PER_TEAM, PER_WORKER, OPEN_PER_WORKER = 200, 10, 100, 40
BATCH = 20_000
TIMELINE_EVENTS = 500


def _write(pg: bool, table: str, columns: list[str], rows: list) -> None:
    from django.db import connection, transaction

    if not rows:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        if pg:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            rows = [[_sqlite(v) for v in row] for row in rows]
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)  # noqa: S608


def _sqlite(value):
    """SQLite stores UUIDs as hex and datetimes as naive UTC text (what Django writes)."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(sep=" ")
    return value


def _next_id(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        return cursor.fetchone()[0] + 1


def _structure(workers_needed: int):
    """The bench county, 200 teams and their workers (bulk, unusable passwords)."""
    from django.contrib.auth.hashers import make_password

    from kohtaamo.accounts.models import Membership, Organisation, Role, Team, Unit, User

    county, _ = Organisation.objects.get_or_create(
        slug="bench-casework", defaults={"kind": "county", "name_fi": "Casework-bench"}
    )
    unit, _ = Unit.objects.get_or_create(
        organisation=county, slug="aikuis", defaults={"name_fi": "Aikuissosiaalityö"}
    )
    teams = list(Team.objects.filter(unit=unit).order_by("pk"))
    if len(teams) < TEAMS:
        Team.objects.bulk_create(
            [
                Team(unit=unit, slug=f"tiimi-{i}", name_fi=f"Tiimi {i}")
                for i in range(len(teams), TEAMS)
            ]
        )
        teams = list(Team.objects.filter(unit=unit).order_by("pk"))
    have = User.objects.filter(username__startswith="bench-cw-").count()
    if have < workers_needed:
        password = make_password(None)
        User.objects.bulk_create(
            [
                User(username=f"bench-cw-{i}", first_name="Bench", last_name=f"Työntekijä{i}",
                     password=password)
                for i in range(have, workers_needed)
            ],
            batch_size=2000,
        )  # fmt: skip
        counsellor = Role.objects.get(key="social_counsellor")
        official = Role.objects.get(key="social_worker")
        new = User.objects.filter(username__startswith="bench-cw-").order_by("pk")[have:]
        Membership.objects.bulk_create(
            [
                Membership(
                    user=u, organisation=county, unit=unit, team=teams[(have + i) // PER_TEAM % TEAMS],
                    role=official if (have + i) % PER_TEAM == 0 else counsellor,
                )
                for i, u in enumerate(new)
            ],
            batch_size=2000,
        )  # fmt: skip
    workers = list(User.objects.filter(username__startswith="bench-cw-").order_by("pk"))
    return county, unit, teams, workers


def fill_casework(*, matters: int = MATTERS, seed: int = 17) -> dict:
    from django.db import connection
    from django.utils import timezone

    from kohtaamo.casework.models import ClientMatter
    from kohtaamo.people.hetu import make_hetu
    from kohtaamo.people.models import Person

    workers_needed = max(1, matters // PER_WORKER)
    county, unit, teams, workers = _structure(workers_needed)
    have = ClientMatter.objects.filter(organisation=county).count()
    if have >= matters:
        log(f"{have} client matters already in the bench database")
        return {"matters": have, "workers": len(workers)}
    pg = connection.vendor == "postgresql"
    rng = random.Random(seed + have)
    now = timezone.now()
    columns = [f.column for f in ClientMatter._meta.concrete_fields]
    template = Person(organisation=county, first_name="x", last_name="x")
    template.set_hetu(make_hetu(datetime.date(1980, 1, 1), 901))
    hetu_encrypted = template.hetu_encrypted  # one synthetic code for all: the bench reads no hetu
    person_columns = [f.column for f in Person._meta.concrete_fields]
    first = ["Aino", "Eero", "Helmi", "Juho", "Kaarina", "Lauri", "Maija", "Niko", "Oona", "Pekka"]
    last = ["Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Laine", "Heikkinen"]
    next_person, next_matter = _next_id("people_person"), _next_id("casework_clientmatter")
    made = 0
    while have + made < matters:
        size = min(BATCH, matters - have - made)
        people, rows = [], []
        for k in range(size):
            index = have + made + k
            worker = workers[index // PER_WORKER % len(workers)]
            is_open = index % PER_WORKER < OPEN_PER_WORKER
            surname = f"{rng.choice(last)}{index % 700}"
            person = {
                "id": next_person, "code": uuid.uuid4(), "organisation_id": county.pk,
                "first_name": rng.choice(first), "last_name": surname,
                "last_name_upper": surname.upper(), "hetu_encrypted": hetu_encrypted,
                "hetu_hash": "", "birth_date": datetime.date(1960, 1, 1)
                + datetime.timedelta(days=index % 15000), "phone": "", "email": "", "address": "",
                "municipality": "Järvelä", "language": "fi", "created_at": now, "updated_at": now,
                "deceased_at": None,
            }  # fmt: skip
            people.append([person[c] for c in person_columns])
            pending = now - datetime.timedelta(days=rng.randrange(10, 900))
            closed = None if is_open else pending + datetime.timedelta(days=rng.randrange(5, 300))
            values = {
                "id": next_matter, "code": uuid.uuid4(), "person_id": next_person,
                "organisation_id": county.pk, "unit_id": unit.pk,
                "team_id": teams[(index // PER_WORKER) // PER_TEAM % TEAMS].pk,
                "responsible_worker_id": worker.pk, "source": "encounter", "source_ref": None,
                "opened_at": pending, "pending_at": pending,
                "status": "open" if is_open else "closed", "special_group": False,
                "assessment_start_by": None, "assessment_started_at": pending,
                "assessment_started_by_id": None, "special_support": False, "segment": "",
                "last_activity_at": closed or now - datetime.timedelta(days=rng.randrange(0, 40)),
                "closed_at": closed, "closed_by_id": worker.pk if closed else None,
                "created_by_id": worker.pk, "created_at": pending,
            }  # fmt: skip
            rows.append([values[c] for c in columns])
            next_person += 1
            next_matter += 1
        _write(pg, "people_person", person_columns, people)
        _write(pg, "casework_clientmatter", columns, rows)
        made += size
        log(f"client matters: {have + made}/{matters}")
    if pg:
        with connection.cursor() as cursor:
            for table in ("people_person", "casework_clientmatter"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
                )
                cursor.execute(f"ANALYZE {table}")
    return {"matters": have + made, "workers": len(workers)}


def timeline_client(events: int = TIMELINE_EVENTS):
    """The bench worker's first open client, with `events` timeline events (made once)."""
    from django.utils import timezone

    from kohtaamo.audit.actions import Actor
    from kohtaamo.casework import actions
    from kohtaamo.casework.models import ClientMatter, PlanStep, ProgressNote, SupportMeeting
    from kohtaamo.encounters.models import Encounter
    from kohtaamo.groupwork.models import Attendance, Group, GroupMeeting, GroupMember

    worker = _worker()
    matter = (
        ClientMatter.objects.open().filter(responsible_worker=worker).select_related("person")
        .order_by("pk").first()
    )  # fmt: skip
    if SupportMeeting.objects.filter(matter=matter).exists():
        return matter
    actor = Actor.system("bench")
    now = timezone.now()
    plan = actions.create_plan(actor, matter, by=worker, variant="intensive")
    split = {"meetings": 200, "notes": 120, "steps": 80, "encounters": 60, "group": 40 - 5}
    SupportMeeting.objects.bulk_create(
        SupportMeeting(
            matter=matter, kind="individual", status="held", worker=worker, created_by=worker,
            at=now - datetime.timedelta(hours=6 * i + 1),
        )
        for i in range(split["meetings"])
    )  # fmt: skip
    ProgressNote.objects.bulk_create(
        ProgressNote(plan=plan, text=f"Muistiinpano {i}", by=worker,
                     at=now - datetime.timedelta(hours=7 * i + 2))
        for i in range(split["notes"])
    )  # fmt: skip
    PlanStep.objects.bulk_create(
        PlanStep(plan=plan, what=f"Askel {i}", order=100 + i, done_at=now - datetime.timedelta(hours=9 * i + 3),
                 done_by=worker)
        for i in range(split["steps"])
    )  # fmt: skip
    Encounter.objects.bulk_create(
        Encounter(
            organisation_id=matter.organisation_id, unit_id=matter.unit_id, channel="desk",
            started_at=now - datetime.timedelta(hours=11 * i + 4), duration_minutes=10,
            identity_level="identified", person=matter.person, result="settled",
            created_by=worker,
        )
        for i in range(split["encounters"])
    )  # fmt: skip
    group = Group.objects.create(
        organisation_id=matter.organisation_id, name="Bench-ryhmä", created_by=worker,
        starts_on=(now - datetime.timedelta(days=300)).date(), ends_on=now.date(),
    )  # fmt: skip
    member = GroupMember.objects.create(group=group, person=matter.person, added_by=worker)
    meetings = GroupMeeting.objects.bulk_create(
        GroupMeeting(group=group, at=now - datetime.timedelta(days=i + 1), created_by=worker)
        for i in range(split["group"])
    )
    Attendance.objects.bulk_create(
        Attendance(meeting=m, member=member, present=True, recorded_by=worker) for m in meetings
    )
    return matter


def _worker():
    from kohtaamo.accounts.models import User

    return User.objects.filter(username__startswith="bench-cw-").order_by("pk").first()


def query_counts() -> dict:
    """Queries per page with few and with many rows (must be equal)."""
    from django.test import Client
    from django.test.utils import override_settings

    from kohtaamo.casework.models import ClientMatter, SupportMeeting
    from kohtaamo.testing.helpers import count_queries, login_verified

    worker = _worker()
    matter = timeline_client()
    client = login_verified(Client(), worker)
    results = {}
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": static,
    }
    with override_settings(
        ALLOWED_HOSTS=["testserver", "127.0.0.1"], SECURE_SSL_REDIRECT=False, STORAGES=storages
    ):
        client.get("/casework/caseload/")
        results["caseload_40"] = count_queries(lambda: client.get("/casework/caseload/"))
        extra = list(
            ClientMatter.objects.open().filter(responsible_worker=worker).order_by("-pk")[:30]
        )
        ClientMatter.objects.filter(pk__in=[m.pk for m in extra]).update(status="closed")
        results["caseload_10"] = count_queries(lambda: client.get("/casework/caseload/"))
        ClientMatter.objects.filter(pk__in=[m.pk for m in extra]).update(status="open")
        url = f"/casework/matters/{matter.code}/timeline/"
        client.get(url)
        results["timeline_500"] = count_queries(lambda: client.get(url))
        keep = list(
            SupportMeeting.objects.filter(matter=matter)
            .order_by("-at")
            .values_list("pk", flat=True)[:10]
        )
        moved = list(
            SupportMeeting.objects.filter(matter=matter)
            .exclude(pk__in=keep)
            .values_list("pk", flat=True)
        )
        other = ClientMatter.objects.exclude(pk=matter.pk).filter(responsible_worker=worker).first()
        SupportMeeting.objects.filter(pk__in=moved).update(matter=other)
        results["timeline_310"] = count_queries(lambda: client.get(url))
        SupportMeeting.objects.filter(pk__in=moved).update(matter=matter)
        results["inprocess_ms"] = {
            "caseload": _timed(client, "/casework/caseload/"),
            "timeline": _timed(client, url),
        }
    return results


def _timed(client, url: str, n: int = 40) -> dict:
    """Sequential requests in one process (no queueing): the page's own cost, p50 and p95."""
    import time

    samples = []
    for _ in range(n):
        start = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {"p50": round(samples[n // 2], 1), "p95": round(samples[int(n * 0.95) - 1], 1)}


def prepare(env: dict) -> dict:
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from bench.foundation import bench_session

    log("migrating the casework bench database")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    counts = fill_casework()
    matter = timeline_client()
    worker = _worker()
    return {
        "session": bench_session(worker),
        "timeline_url": f"/casework/matters/{matter.code}/timeline/",
        "person_url": f"/people/{matter.person.code}/",
        "queries": query_counts(),
        **counts,
    }


def run(seconds: int = 8) -> dict:
    from bench.foundation import production_env

    database_url = ensure_pg_database(DATABASE)
    env = production_env(database_url, tempfile.mkdtemp(prefix="kohtaamo-static-"))
    code = "from bench.casework import prepare; import json,os; print('PREP' + json.dumps(prepare(json.loads(os.environ['BENCH_ENV']))))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **env, "BENCH_ENV": json.dumps(env)},
        capture_output=True, text=True,
    )  # fmt: skip
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    prep = json.loads(next(line for line in out.stdout.splitlines() if line.startswith("PREP"))[4:])
    analyse(database_url)
    cookie = {"Cookie": f"sessionid={prep['session']}"}
    results: dict = {
        "matters": prep["matters"], "workers_in_db": prep["workers"], "workers": 2,
        "connections": 4, "seconds": seconds, "queries": prep["queries"],
    }  # fmt: skip
    with Server("kohtaamo.wsgi:application", 8107, env=env) as app:
        log("load: caseload (40 clients)")
        results["caseload"] = wrk(
            "http://127.0.0.1:8107/casework/caseload/", seconds=seconds, headers=cookie, server=app
        )
        log("load: timeline (500 events)")
        results["timeline"] = wrk(
            f"http://127.0.0.1:8107{prep['timeline_url']}",
            seconds=seconds,
            headers=cookie,
            server=app,
        )
        log("load: person page")
        results["person_page"] = wrk(
            f"http://127.0.0.1:8107{prep['person_url']}",
            seconds=seconds,
            headers=cookie,
            server=app,
        )
        results["rss_mb_per_worker"] = app.worker_rss_mb()
    q = results["queries"]
    results["targets"] = {
        "caseload_server_p95_ms<=100": results["caseload"]["server_p95_ms"] <= 100,
        "timeline_server_p95_ms<=150": results["timeline"]["server_p95_ms"] <= 150,
        "caseload_queries_constant": q["caseload_10"] == q["caseload_40"],
        "timeline_queries_constant": q["timeline_310"] == q["timeline_500"],
    }
    return results


def summary(results: dict) -> list[str]:
    q = results["queries"]
    lines = [
        f"Case management: {results['matters']} client matters, {results['workers_in_db']} workers in "
        f"PostgreSQL; gunicorn {results['workers']} sync workers, wrk {results['connections']} "
        f"connections × {results['seconds']} s, loopback",
    ]
    lines += latency_table(
        results,
        [
            ("caseload", "caseload (40)"),
            ("timeline", "timeline (500 events)"),
            ("person_page", "person page"),
        ],
    )
    lines.append(
        f"queries: caseload {q['caseload_10']} (10 clients) / {q['caseload_40']} (40); "
        f"timeline {q['timeline_310']} (310 events) / {q['timeline_500']} (500)"
    )
    ip = q.get("inprocess_ms", {})
    if ip:
        lines.append(
            f"in-process, sequential (no queueing): caseload p50 {ip['caseload']['p50']} / p95 "
            f"{ip['caseload']['p95']} ms; timeline p50 {ip['timeline']['p50']} / p95 "
            f"{ip['timeline']['p95']} ms"
        )
    lines.append(f"resident memory per worker (MB): {results['rss_mb_per_worker']}")
    lines.append(
        "targets: "
        + ", ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in results["targets"].items())
    )
    return lines


if __name__ == "__main__":
    from bench.common import write_results

    data = run()
    write_results("casework", data, summary(data))
