"""Foundation benchmark (issue 3): login page, "my day" and a person page with 100,000 synthetic
persons in PostgreSQL, each against a bare Django view served the same way in the same run."""

from __future__ import annotations

import datetime
import os
import random
import subprocess
import sys
import tempfile

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

PERSONS = int(os.environ.get("BENCH_PERSONS", "100000"))
PAGES = ("livez", "healthz", "login", "my_day", "person")


def production_env(database_url: str, static_root: str) -> dict:
    return {
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "k" * 50,
        "KOHTAAMO_FIELD_KEYS": "YmVuY2gtb25seS1maWVsZC1rZXktMzItYnl0ZXMhISE=",
        "KOHTAAMO_HASH_KEY": "bench-hash-key-" + "h" * 20,
        "KOHTAAMO_ALLOW_TEMPORARY_HETU": "true",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": static_root,
        "KOHTAAMO_NO_DOTENV": "1",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "kohtaamo.settings",
    }


def fill_persons(county, count: int) -> None:
    from kohtaamo.people.hetu import make_hetu
    from kohtaamo.people.models import Person

    have = Person.objects.filter(organisation=county).count()
    if have >= count:
        log(f"{have} persons already in the bench database")
        return
    rng = random.Random(7)
    first = ["Aino", "Eero", "Helmi", "Juho", "Kaarina", "Lauri", "Maija", "Niko", "Oona", "Pekka"]
    last = [
        "Virtanen",
        "Korhonen",
        "Mäkinen",
        "Nieminen",
        "Mäkelä",
        "Hämäläinen",
        "Laine",
        "Heikkinen",
        "Koskinen",
        "Järvinen",
        "Lehtonen",
        "Saarinen",
        "Salminen",
        "Heinonen",
        "Niemi",
        "Kinnunen",
    ]
    batch = []
    for i in range(have, count):
        born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 65))
        person = Person(
            organisation=county,
            first_name=rng.choice(first),
            last_name=f"{rng.choice(last)}{i % 500}",
            municipality="Järvelä",
        )
        person.set_hetu(make_hetu(born, 900 + i % 100))
        person.last_name_upper = person.last_name.upper()
        batch.append(person)
        if len(batch) == 5000:
            Person.objects.bulk_create(batch)
            batch = []
            log(f"persons: {i + 1}/{count}")
    if batch:
        Person.objects.bulk_create(batch)
    log(f"persons: {count}/{count}")


def bench_session(user) -> str:
    """A logged-in, two-factor-verified session for the load generator."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    from kohtaamo.accounts.middleware import GENERATION_KEY
    from kohtaamo.testing.helpers import totp_device

    device = totp_device(user)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store[GENERATION_KEY] = user.session_generation
    store.create()
    return store.session_key


def prepare(env: dict) -> tuple[str, list[str]]:
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from kohtaamo.accounts.models import Membership, Organisation, Role, User
    from kohtaamo.people.models import Person

    log("migrating the bench database")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    county, _ = Organisation.objects.get_or_create(
        slug="bench-county", defaults={"kind": "county", "name_fi": "Benchin alue"}
    )
    fill_persons(county, PERSONS)
    user, created = User.objects.get_or_create(
        username="bench-worker", defaults={"first_name": "Bench"}
    )
    if created:
        Membership.objects.create(
            user=user, organisation=county, role=Role.objects.get(key="social_worker")
        )
    session = bench_session(user)
    codes = list(
        Person.objects.filter(organisation=county)
        .order_by("?")
        .values_list("code", flat=True)[:2000]
    )
    return session, [f"/people/{c}/" for c in codes]


def run(seconds: int = 8) -> dict:
    database_url = ensure_pg_database("kohtaamo_bench")
    static_root = tempfile.mkdtemp(prefix="kohtaamo-static-")
    env = production_env(database_url, static_root)
    # Prepare in a child process so this process stays free of Django settings.
    code = "from bench.foundation import prepare; import json,os; s,p=prepare(json.loads(os.environ['BENCH_ENV'])); print('SESSION', s); print('\\n'.join(p))"
    import json

    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, **env, "BENCH_ENV": json.dumps(env)},
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    analyse(database_url)
    out = out.stdout.splitlines()
    session = next(line.split()[1] for line in out if line.startswith("SESSION"))
    paths = [line for line in out if line.startswith("/people/")]
    paths_file = RESULTS / ".person_paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    cookie = {"Cookie": f"sessionid={session}"}

    results: dict = {"persons": PERSONS, "workers": 2, "connections": 4, "seconds": seconds}
    with Server("bench.bare:application", 8101, env={"DJANGO_SETTINGS_MODULE": ""}) as bare:
        log("load: bare Django view")
        results["bare"] = wrk("http://127.0.0.1:8101/", seconds=seconds, server=bare)
        results["bare"]["rss_mb"] = bare.worker_rss_mb()
    with Server("kohtaamo.wsgi:application", 8100, env=env) as app:
        for name, url, headers, pf in [
            ("livez", "/livez", None, None),
            ("healthz", "/healthz", None, None),
            ("login", "/accounts/login/", None, None),
            ("my_day", "/my-day/", cookie, None),
            ("person", "/people/", cookie, paths_file),
        ]:
            log(f"load: {name}")
            results[name] = wrk(
                f"http://127.0.0.1:8100{url}",
                seconds=seconds,
                headers=headers,
                paths_file=pf,
                server=app,
            )
        results["rss_mb_per_worker"] = app.worker_rss_mb()
    paths_file.unlink(missing_ok=True)
    bare = results["bare"]
    for name in PAGES:
        r = results[name]
        r["p50_ratio_to_bare"] = round(r["p50_ms"] / (bare["p50_ms"] or 0.001), 2)
        r["server_p50_ratio_to_bare"] = round(
            r["server_p50_ms"] / (bare["server_p50_ms"] or 0.001), 2
        )
        r["rps_ratio_to_bare"] = round(r["rps"] / bare["rps"], 3)
    # The stack's overhead: the same trivial answer through all of Kohtaamo's middleware
    # (/livez: no database) against the bare Django view, both timed by the load generator.
    results["targets"] = {
        "person_server_p95_ms<=50": results["person"]["server_p95_ms"] <= 50,
        "stack_overhead_livez_p50<=2x_bare": results["livez"]["p50_ratio_to_bare"] <= 2,
        "rss_per_worker<=200MB": max(results["rss_mb_per_worker"]) <= 200,
    }
    return results


def summary(results: dict) -> list[str]:
    lines = [
        f"Foundation: {results['persons']} persons in PostgreSQL, gunicorn {results['workers']} sync workers, "
        f"wrk {results['connections']} connections × {results['seconds']} s, loopback"
    ]
    lines += latency_table(results, [(n, n) for n in ("bare", *PAGES)], bare="bare")
    lines.append(f"resident memory per worker (MB): {results['rss_mb_per_worker']}")
    lines.append(
        "targets: "
        + ", ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in results["targets"].items())
    )
    return lines


if __name__ == "__main__":
    from bench.common import write_results

    data = run()
    write_results("foundation", data, summary(data))
