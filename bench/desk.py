"""Desk benchmark (issue 4): 1,000,000 synthetic encounters and 200,000 persons in PostgreSQL, then
POST /api/v1/encounters, "my day" and the registry search under load on loopback.

`fill_desk(encounters=..., persons=...)` is the reusable part: it bulk-loads encounters (with their
themes, support and workers) through PostgreSQL COPY in batches, or `bulk_create` on SQLite, and
persons through `bench.foundation.fill_persons`. It is idempotent: it only adds what is missing.
Targets: POST p95 <= 30 ms, my day p95 <= 100 ms, registry search p95 <= 50 ms.
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
from urllib.parse import urlencode

from bench.common import (
    RESULTS,
    ROOT,
    Server,
    analyse,
    ensure_pg_database,
    latency_table,
    log,
    wrk,
)

ENCOUNTERS = int(os.environ.get("BENCH_ENCOUNTERS", "1000000"))
PERSONS = int(os.environ.get("BENCH_DESK_PERSONS", "200000"))
DATABASE = os.environ.get("BENCH_DESK_DB", "kohtaamo_bench_desk")
BATCH = 50_000
DAYS = 730  # two years of contacts

ENCOUNTER_COLUMNS = [
    "id", "code", "organisation_id", "unit_id", "team_id", "place_id", "channel", "started_at",
    "duration_minutes", "arrival", "partner_id", "identity_level", "age_band", "gender",
    "municipality", "contact_code_hash", "person_id", "result", "guided_to", "is_repeat",
    "about_handled_matter", "failure_reason", "note", "client_id", "feedback_code_hash",
    "experiment_ref", "created_by_id", "created_at", "updated_at",
]  # fmt: skip


def _structure():
    """The bench county, a team, places and workers (get_or_create: safe to run again)."""
    from kohtaamo.accounts.models import Membership, Organisation, Role, Team, Unit, User
    from kohtaamo.encounters.models import Place

    county, _ = Organisation.objects.get_or_create(
        slug="bench-county", defaults={"kind": "county", "name_fi": "Benchin alue"}
    )
    unit, _ = Unit.objects.get_or_create(
        organisation=county, slug="matala", defaults={"name_fi": "Matala"}
    )
    team, _ = Team.objects.get_or_create(unit=unit, slug="piste", defaults={"name_fi": "Piste"})
    places = []
    for i in range(12):
        place, _ = Place.objects.get_or_create(
            organisation=county, name_fi=f"Piste {i + 1}", defaults={"unit": unit, "team": team}
        )
        places.append(place)
    workers = []
    for i in range(20):
        user, created = User.objects.get_or_create(
            username=f"bench-desk-{i}", defaults={"first_name": "Bench", "last_name": f"Worker{i}"}
        )
        if created:
            Membership.objects.create(
                user=user, organisation=county, unit=unit, team=team,
                role=Role.objects.get(key="social_worker" if i == 0 else "social_counsellor"),
            )  # fmt: skip
        workers.append(user)
    return county, unit, team, places, workers


def fill_desk(*, encounters: int = ENCOUNTERS, persons: int = PERSONS, seed: int = 11) -> dict:
    """Bulk-load synthetic encounters and persons until the bench county has that many."""
    from django.db import connection
    from django.utils import timezone

    from bench.foundation import fill_persons
    from kohtaamo.encounters.models import Encounter, Term
    from kohtaamo.people import contact_code
    from kohtaamo.people.models import Person

    county, unit, team, places, workers = _structure()
    fill_persons(county, persons)
    if connection.vendor == "postgresql":
        # autovacuum may be off on the bench host: without column statistics the planner
        # misreads the registry search (a 100 ms bitmap scan instead of the people_name_search
        # index), so analyse the registry on every run (a fraction of a second)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE people_person")
            cursor.execute("ANALYZE people_contactcode")
    have = Encounter.objects.filter(organisation=county).count()
    if have >= encounters:
        log(f"{have} encounters already in the bench database")
        return {"encounters": have, "persons": Person.objects.filter(organisation=county).count()}
    rng = random.Random(seed + have)
    themes = list(Term.objects.filter(section="themes").values_list("id", flat=True))
    support = list(Term.objects.filter(section="support").values_list("id", flat=True))
    person_ids = list(
        Person.objects.filter(organisation=county).values_list("id", flat=True)[:50_000]
    )
    codes = [contact_code.hash_code(f"KALA-{i:04d}") for i in range(5000)]
    now = timezone.now()
    pg = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM encounters_encounter")
        next_id = cursor.fetchone()[0] + 1
    made = 0
    while have + made < encounters:
        size = min(BATCH, encounters - have - made)
        rows, theme_rows, support_rows, worker_rows = [], [], [], []
        for _ in range(size):
            started = now - datetime.timedelta(minutes=rng.randrange(5, DAYS * 24 * 60))
            level = rng.random()
            identity, code_hash, person_id = "anonymous", "", None
            if level < 0.2:
                identity, code_hash = "pseudonymous", rng.choice(codes)
            elif level < 0.3 and person_ids:
                identity, person_id = "identified", rng.choice(person_ids)
            repeat = identity != "anonymous" and rng.random() < 0.5
            about = (rng.random() < 0.4) if repeat else None
            worker = rng.choice(workers)
            place = rng.choice(places)
            rows.append([
                next_id, uuid.uuid4(), county.pk, unit.pk, team.pk, place.pk, "desk", started,
                rng.choice((5, 10, 15, 30)), "self", None, identity, "", "", "", code_hash,
                person_id, rng.choice(("settled", "settled", "guided_onward")), "", repeat, about,
                "waiting_too_long" if about else "", "", None, "", None, worker.pk, started, started,
            ])  # fmt: skip
            for term in rng.sample(themes, 2):
                theme_rows.append((next_id, term))
            support_rows.append((next_id, rng.choice(support)))
            worker_rows.append((next_id, worker.pk, 0, started))
            next_id += 1
        _write(pg, "encounters_encounter", ENCOUNTER_COLUMNS, rows)
        _write(pg, "encounters_encounter_themes", ["encounter_id", "term_id"], theme_rows)
        _write(pg, "encounters_encounter_support", ["encounter_id", "term_id"], support_rows)
        _write(
            pg,
            "encounters_encounterworker",
            ["encounter_id", "user_id", "position", "started_at"],
            worker_rows,
        )
        made += size
        log(f"encounters: {have + made}/{encounters}")
    if pg:
        with connection.cursor() as cursor:
            for table in ("encounters_encounter",):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
                )
            cursor.execute("ANALYZE encounters_encounter")
            cursor.execute("ANALYZE encounters_encounter_themes")
            cursor.execute("ANALYZE encounters_encounterworker")
            cursor.execute("ANALYZE encounters_encounter_support")
    return {
        "encounters": have + made,
        "persons": Person.objects.filter(organisation=county).count(),
    }


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
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)  # noqa: S608


def prepare(env: dict) -> dict:
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from bench.foundation import bench_session
    from kohtaamo.accounts.actions import create_api_token
    from kohtaamo.people.models import Person

    log("migrating the desk bench database")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    counts = fill_desk()
    county, unit, team, places, workers = _structure()
    worker = workers[1]
    _token, plain = create_api_token(worker, name=f"bench {datetime.datetime.now():%H%M%S}")
    names = list(
        Person.objects.filter(organisation=county).values_list("last_name", flat=True)[:5000:25]
    )
    hetus = [p.hetu for p in Person.objects.filter(organisation=county).order_by("?")[:50]]
    return {
        "session": bench_session(worker),
        "token": plain,
        # The registry search is posted (no identity code in a URL): one form body per line.
        "search_forms": {
            "name": [urlencode({"q": n[:6]}) for n in names],
            "hetu": [urlencode({"q": h}) for h in hetus],
            # contact codes of the pseudonymous contacts (fill_desk: KALA-0000 ... KALA-4999)
            "code": [urlencode({"q": f"KALA-{i:04d}"}) for i in range(0, 5000, 97)],
        },
        **counts,
    }


POST_LUA = r"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"channel": "desk", "duration_minutes": 10, "identity_level": "anonymous", "themes": ["income", "debt"], "support": ["counselling"], "result": "settled"}'
"""


def wrk_post(url: str, token: str, *, seconds: int, server: Server | None = None) -> dict:
    """wrk with a POST body (the shared helper only does GET)."""
    import bench.common as common

    original = common.WRK_REPORT
    common.WRK_REPORT = POST_LUA + original
    try:
        return wrk(
            url, seconds=seconds, headers={"Authorization": f"Bearer {token}"}, server=server
        )
    finally:
        common.WRK_REPORT = original


def run(seconds: int = 8) -> dict:
    from bench.foundation import production_env

    database_url = ensure_pg_database(DATABASE)
    env = production_env(database_url, tempfile.mkdtemp(prefix="kohtaamo-static-"))
    code = "from bench.desk import prepare; import json,os; print('PREP' + json.dumps(prepare(json.loads(os.environ['BENCH_ENV']))))"
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
        "encounters": prep["encounters"], "persons": prep["persons"], "workers": 2,
        "connections": 4, "seconds": seconds,
    }  # fmt: skip
    with Server("kohtaamo.wsgi:application", 8102, env=env) as app:
        log("load: POST /api/v1/encounters")
        results["post_encounter"] = wrk_post(
            "http://127.0.0.1:8102/api/v1/encounters", prep["token"], seconds=seconds, server=app
        )
        log("load: my day")
        results["my_day"] = wrk(
            "http://127.0.0.1:8102/my-day/", seconds=seconds, headers=cookie, server=app
        )
        for kind, bodies in prep["search_forms"].items():
            log(f"load: registry search by {kind}")
            forms_file = RESULTS / ".desk_search_forms.txt"
            forms_file.write_text("\n".join(bodies) + "\n")
            results[f"registry_search_{kind}"] = wrk(
                "http://127.0.0.1:8102/people/",
                seconds=seconds,
                headers=cookie,
                forms_file=forms_file,
                server=app,
            )
            forms_file.unlink(missing_ok=True)
        results["rss_mb_per_worker"] = app.worker_rss_mb()
    results["targets"] = {
        "post_encounter_server_p95_ms<=30": results["post_encounter"]["server_p95_ms"] <= 30,
        "my_day_server_p95_ms<=100": results["my_day"]["server_p95_ms"] <= 100,
        **{
            f"registry_search_by_{kind}_server_p95_ms<=50": results[f"registry_search_{kind}"][
                "server_p95_ms"
            ]
            <= 50
            for kind in prep["search_forms"]
        },
    }
    return results


def summary(results: dict) -> list[str]:
    lines = [
        f"Desk: {results['encounters']} encounters, {results['persons']} persons in PostgreSQL, "
        f"gunicorn {results['workers']} sync workers, wrk {results['connections']} connections × "
        f"{results['seconds']} s, loopback",
    ]
    lines += latency_table(
        results,
        [
            ("post_encounter", "POST encounter"),
            ("my_day", "my day"),
            ("registry_search_name", "search: name prefix"),
            ("registry_search_hetu", "search: hetu"),
            ("registry_search_code", "search: contact code"),
        ],
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
    write_results("desk", data, summary(data))
