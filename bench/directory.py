"""Directory benchmark: import of 20,000 services from an HSDS 3.0 file (target ≤ 60 s) and search
latency over them (target p95 ≤ 50 ms), on SQLite and on PostgreSQL, in throwaway databases.

    python -m bench.directory generate FILE [--services 20000]   # just write the HSDS file
    python -m bench.directory                                     # the whole benchmark

The generated file is synthetic: 2,000 organisations × 10 services whose texts are recombined
from the demo directory's sentences (so search sees realistic Finnish vocabulary), each with a
physical location, a phone, opening hours, languages and themes. `run()` returns a dict for
bench/run.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES = int(os.environ.get("BENCH_DIRECTORY_SERVICES", "20000"))
PER_ORG = 10
NS = uuid.UUID("6a1f7d1e-3c55-5b6e-8f0a-9d6b1c2e4f70")
CITIES = ["Järvelä", "Koivula", "Rantala", "Mäntylä", "Ahola", "Kivikylä", "Lahdenperä", "Niemelä"]
DAYS = ["MO,TU,WE,TH,FR", "MO,WE,FR", "TU,TH", "MO,TU,WE,TH,FR,SA,SU"]


def _id(*parts) -> str:
    return str(uuid.uuid5(NS, ":".join(str(p) for p in parts)))


def _demo_material():
    data = json.loads(
        (ROOT / "kohtaamo/directory/data/demo_directory.json").read_text(encoding="utf-8")
    )
    services = [s for o in data["organizations"] for s in o["services"]]
    sentences = [
        part.strip() + "."
        for s in services
        for part in s["description"]["fi"].split(".")
        if len(part.strip()) > 20
    ]
    return services, sentences


def generate(n: int = SERVICES, *, seed: int = 20000) -> list[dict]:
    rng = random.Random(seed)
    demo, sentences = _demo_material()
    orgs = []
    for o in range((n + PER_ORG - 1) // PER_ORG):
        org_id = _id("org", o)
        city = CITIES[o % len(CITIES)]
        location_id = _id("loc", o)
        org = {
            "id": org_id,
            "name": f"Palveluntuottaja {o} ry",
            "description": " ".join(rng.sample(sentences, 2)),
            "locations": [
                {
                    "id": location_id,
                    "location_type": "physical",
                    "name": f"Toimipiste {o}, {city}",
                    "addresses": [
                        {
                            "id": _id("addr", o),
                            "address_1": f"Kauppakatu {o % 90 + 1}",
                            "city": city,
                            "state_province": "Järvi-Suomi",
                            "postal_code": f"{41000 + o % 900:05d}",
                            "country": "FI",
                            "address_type": "physical",
                        }
                    ],
                }
            ],
            "services": [],
        }
        for k in range(PER_ORG):
            i = o * PER_ORG + k
            if i >= n:
                break
            base = demo[i % len(demo)]
            sid = _id("service", i)
            themes = base["themes"]
            org["services"].append(
                {
                    "id": sid,
                    "organization_id": org_id,
                    "name": f"{base['name']['fi']} {i}",
                    "description": " ".join([base["description"]["fi"], *rng.sample(sentences, 2)]),
                    "status": "active",
                    "eligibility_description": base["eligibility"]["fi"],
                    "phones": [
                        {
                            "id": _id("phone", i),
                            "service_id": sid,
                            "number": f"029 555 {i % 10000:04d}",
                            "type": "voice",
                        }
                    ],
                    "schedules": [
                        {
                            "id": _id("sched", i),
                            "service_id": sid,
                            "freq": "WEEKLY",
                            "byday": DAYS[i % 4],
                            "opens_at": "09:00",
                            "closes_at": "15:00",
                        }
                    ],
                    "service_at_locations": [
                        {"id": _id("sal", i), "service_id": sid, "location_id": location_id}
                    ],
                    "languages": [
                        {"id": _id("lang", i, c), "service_id": sid, "code": c}
                        for c in base["languages"]
                    ],
                    "service_areas": [
                        {
                            "id": _id("area", i),
                            "service_id": sid,
                            "name": city,
                            "extent_type": "local",
                        }
                    ],
                    "attributes": [
                        {
                            "id": _id("attr", i, t),
                            "link_id": sid,
                            "link_type": "service",
                            "link_entity": "service",
                            "taxonomy_term_id": str(
                                uuid.uuid5(
                                    uuid.UUID("1b4c1c33-3b79-5d3e-9c1e-6b6f68746161"),
                                    f"kohtaamo:theme:{t}",
                                )
                            ),
                            "value": t,
                            "taxonomy_term": {
                                "id": str(
                                    uuid.uuid5(
                                        uuid.UUID("1b4c1c33-3b79-5d3e-9c1e-6b6f68746161"),
                                        f"kohtaamo:theme:{t}",
                                    )
                                ),
                                "code": f"theme:{t}",
                                "name": t,
                                "description": "Need theme (encounter theme key)",
                                "taxonomy": "kohtaamo",
                            },
                        }
                        for t in themes
                    ]
                    + [
                        {
                            "id": _id("attr", i, "keywords"),
                            "link_id": sid,
                            "link_type": "service",
                            "link_entity": "service",
                            "taxonomy_term_id": str(
                                uuid.uuid5(
                                    uuid.UUID("1b4c1c33-3b79-5d3e-9c1e-6b6f68746161"),
                                    "kohtaamo:keywords",
                                )
                            ),
                            "value": "; ".join(base["keywords"]["fi"]),
                            "taxonomy_term": {
                                "id": str(
                                    uuid.uuid5(
                                        uuid.UUID("1b4c1c33-3b79-5d3e-9c1e-6b6f68746161"),
                                        "kohtaamo:keywords",
                                    )
                                ),
                                "code": "keywords",
                                "name": "keywords",
                                "description": "Search keywords",
                                "taxonomy": "kohtaamo",
                            },
                        }
                    ],
                }
            )
        orgs.append(org)
    return orgs


def write_file(path: Path, n: int = SERVICES) -> Path:
    path.write_text(json.dumps(generate(n), ensure_ascii=False), encoding="utf-8")
    return path


# Measuring inside one database (a child process per database) ----------------------------------


def measure(hsds_file: str, *, queries: int = 300) -> dict:
    """Migrate, import the file (timed), load the demo directory, time searches."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.common import analyse
    from bench.search import load_queries
    from kohtaamo.directory.models import Service
    from kohtaamo.directory.search import Filters, search_services

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    call_command("import_hsds", hsds_file, stdout=open(os.devnull, "w"))  # noqa: SIM115
    import_s = time.perf_counter() - start
    imported = Service.objects.count()
    call_command("seed_demo_directory", stdout=open(os.devnull, "w"))  # noqa: SIM115
    if connection.vendor == "postgresql":
        analyse(os.environ["DATABASE_URL"])
    texts = [q["q"] for q in load_queries()]
    rng = random.Random(5)
    sample = [
        (rng.choice(texts), rng.choice(["fi", "fi", "fi", "sv", "en"])) for _ in range(queries)
    ]
    for q, lang in sample[:20]:  # warm caches (vocabulary) as a running server would have them
        search_services(q, lang=lang)
    timings = []
    for q, lang in sample:
        t0 = time.perf_counter()
        search_services(q, lang=lang, limit=10)
        timings.append((time.perf_counter() - t0) * 1000)
    filtered = []
    for q, _lang in sample[:100]:
        t0 = time.perf_counter()
        search_services(q, lang="fi", limit=10, filters=Filters(open_now=True, free_of_charge=True))
        filtered.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    filtered.sort()

    def pct(values, p):
        return round(values[min(len(values) - 1, int(len(values) * p))], 2)

    return {
        "database": connection.vendor,
        "services": Service.objects.count(),
        "imported": imported,
        "import_s": round(import_s, 1),
        "search_p50_ms": pct(timings, 0.50),
        "search_p95_ms": pct(timings, 0.95),
        "search_max_ms": round(timings[-1], 2),
        "filtered_p95_ms": pct(filtered, 0.95),
        "queries": len(timings),
    }


@contextlib.contextmanager
def demo_database(postgres_url: str | None = None):
    """A throwaway database with the demo directory, for bench.search's command line."""
    tmp = None
    if postgres_url:
        os.environ["DATABASE_URL"] = postgres_url
    else:
        tmp = tempfile.mkdtemp(prefix="kohtaamo-search-")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kohtaamo.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo_directory", stdout=open(os.devnull, "w"))  # noqa: SIM115
    yield


def _child(database_url: str, hsds_file: str) -> dict:
    from bench.foundation import production_env

    # Production settings, as the other sections: with DEBUG on, Django would also keep the text
    # of every query, which slows the import and each search.
    env = {
        **os.environ,
        **production_env(database_url, tempfile.mkdtemp(prefix="kohtaamo-static-")),
    }
    code = f"import json; from bench.directory import measure; print('RESULT', json.dumps(measure({hsds_file!r})))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    line = next(line for line in out.stdout.splitlines() if line.startswith("RESULT"))
    return json.loads(line[len("RESULT ") :])


def run() -> dict:
    from bench.common import ensure_pg_database, log

    tmp = Path(tempfile.mkdtemp(prefix="kohtaamo-directory-"))
    hsds_file = tmp / "directory_20000.json"
    log(f"directory: generating {SERVICES} services")
    write_file(hsds_file)
    results = {"services": SERVICES, "file_mb": round(hsds_file.stat().st_size / 1e6, 1)}
    log("directory: SQLite")
    results["sqlite"] = _child(f"sqlite:///{tmp}/bench.sqlite3", str(hsds_file))
    log("directory: PostgreSQL")
    pg = ensure_pg_database("kohtaamo_bench_directory")
    _reset_pg(pg)
    results["postgresql"] = _child(pg, str(hsds_file))
    results["targets"] = {
        f"{db}_{name}": ok
        for db in ("sqlite", "postgresql")
        for name, ok in (
            ("import<=60s", results[db]["import_s"] <= 60),
            ("search_p95<=50ms", results[db]["search_p95_ms"] <= 50),
        )
    }
    return results


def _reset_pg(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def summary(results: dict) -> list[str]:
    lines = [
        f"Directory: {results['services']} services from an HSDS file of {results['file_mb']} MB (+ the 78 demo services)"
    ]
    lines.append(
        f"{'database':<12}{'import s':>10}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'p95 filtered':>14}"
    )
    for db in ("sqlite", "postgresql"):
        r = results[db]
        lines.append(
            f"{db:<12}{r['import_s']:>10}{r['search_p50_ms']:>9}{r['search_p95_ms']:>9}{r['search_max_ms']:>9}{r['filtered_p95_ms']:>14}"
        )
    lines.append(
        "targets: "
        + ", ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in results["targets"].items())
    )
    return lines


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "generate":
        count = (
            int(sys.argv[sys.argv.index("--services") + 1])
            if "--services" in sys.argv
            else SERVICES
        )
        print(write_file(Path(sys.argv[2]), count))
    else:
        from bench.common import write_results

        data = run()
        write_results("directory", data, summary(data))
