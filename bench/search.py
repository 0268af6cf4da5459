"""Search quality: recall@5 and MRR@10 of Kohtaamo's directory search and of a plain keyword
baseline, over `bench/search_eval.json` (everyday need descriptions with the services a social
worker would choose), in the same run. Reported for all queries, per language, and separately for
the tuned part and the held-out part (`"holdout": true`: never used when tuning synonyms, weights
or stemming).

    python -m bench.search            # a throwaway SQLite database with the demo directory
    python -m bench.search --postgres postgres://postgres@127.0.0.1:5432/kohtaamo_bench

`evaluate()` runs inside an already configured Django (bench/run.py) and returns a dict.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

EVAL_FILE = Path(__file__).resolve().parent / "search_eval.json"
K_RECALL = 5
K_MRR = 10


def load_queries(path: Path = EVAL_FILE) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["queries"]


def baseline_search(query: str, *, lang: str, limit: int = 10) -> list[int]:
    """Plain keyword search: each query word (case-insensitive substring) on name, description
    and keywords, OR-ed, ranked by how many query words matched, then by name."""
    from django.db.models import Case, IntegerField, Q, Value, When

    from kohtaamo.directory.models import Service

    words = [w for w in re.findall(r"[^\W_]+", (query or "").lower()) if len(w) >= 2][:20]
    if not words:
        return []
    fields = [f"name_{lang}", f"description_{lang}", f"keywords_{lang}"]
    matches = []
    for word in words:
        q = Q()
        for f in fields:
            q |= Q(**{f"{f}__icontains": word})
        matches.append(Case(When(q, then=Value(1)), default=Value(0), output_field=IntegerField()))
    qs = (
        Service.objects.active()
        .annotate(hits=sum(matches[1:], matches[0]) if len(matches) > 1 else matches[0])
        .filter(hits__gt=0)
        .order_by("-hits", "name_fi", "id")
        .values_list("id", flat=True)
    )
    return list(qs[:limit])


def kohtaamo_search(query: str, *, lang: str, limit: int = 10) -> list[int]:
    from kohtaamo.directory.search import search_services

    return [hit.service.pk for hit in search_services(query, lang=lang, limit=limit)]


def _metrics(rankings: list[tuple[list[int], set[int]]]) -> dict:
    if not rankings:
        return {"queries": 0, "recall@5": None, "mrr@10": None}
    recall = mrr = 0.0
    for ranked, relevant in rankings:
        recall += len(set(ranked[:K_RECALL]) & relevant) / len(relevant)
        for position, sid in enumerate(ranked[:K_MRR], start=1):
            if sid in relevant:
                mrr += 1 / position
                break
    n = len(rankings)
    return {"queries": n, "recall@5": round(recall / n, 3), "mrr@10": round(mrr / n, 3)}


def evaluate(path: Path = EVAL_FILE, *, details: bool = False) -> dict:
    """Both searches over the evaluation set; the demo directory must be loaded."""
    from kohtaamo.directory.models import Service

    by_slug = dict(Service.objects.values_list("slug", "id"))
    queries = load_queries(path)
    missing = sorted({s for q in queries for s in q["relevant"] if s not in by_slug})
    if missing:
        raise RuntimeError(f"the directory lacks services named in the evaluation set: {missing}")
    engines = {"kohtaamo": kohtaamo_search, "baseline": baseline_search}
    runs: dict[str, list] = {name: [] for name in engines}
    misses = []
    for q in queries:
        relevant = {by_slug[s] for s in q["relevant"]}
        for name, engine in engines.items():
            ranked = engine(q["q"], lang=q["lang"], limit=K_MRR)
            runs[name].append((q, ranked, relevant))
            if name == "kohtaamo" and not relevant & set(ranked[:K_RECALL]):
                misses.append(q)
    result = {}
    for name, rows in runs.items():
        part = {"all": _metrics([(r, rel) for _, r, rel in rows])}
        for lang in ("fi", "sv", "en"):
            part[lang] = _metrics([(r, rel) for q, r, rel in rows if q["lang"] == lang])
        part["tuned"] = _metrics([(r, rel) for q, r, rel in rows if not q.get("holdout")])
        part["holdout"] = _metrics([(r, rel) for q, r, rel in rows if q.get("holdout")])
        result[name] = part
    if details:
        result["misses"] = [
            {"q": q["q"], "lang": q["lang"], "holdout": bool(q.get("holdout"))} for q in misses
        ]
    return result


def format_report(result: dict) -> str:
    lines = [f"{'':10}{'part':9}{'queries':>8}{'recall@5':>10}{'mrr@10':>9}"]
    for engine in ("kohtaamo", "baseline"):
        for part, m in result[engine].items():
            lines.append(
                f"{engine:10}{part:9}{m['queries']:>8}{m['recall@5'] or 0:>10.3f}{m['mrr@10'] or 0:>9.3f}"
            )
    return "\n".join(lines)


def _measure_child(postgres_url: str | None) -> dict:
    """Run the evaluation in a fresh process (one Django setup per database)."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    code = (
        "import json, sys; from bench.directory import demo_database; from bench.search import evaluate; "
        f"cm = demo_database({postgres_url!r}); cm.__enter__(); print('RESULT', json.dumps(evaluate(details=True)))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kohtaamo.settings", "DEBUG": "true"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    line = next(line for line in out.stdout.splitlines() if line.startswith("RESULT"))
    return json.loads(line[len("RESULT ") :])


def run() -> dict:
    """For bench/run.py: the evaluation on SQLite and on PostgreSQL."""
    from bench.common import ensure_pg_database, log
    from bench.directory import _reset_pg

    log("search: SQLite")
    results = {"sqlite": _measure_child(None)}
    log("search: PostgreSQL")
    pg = ensure_pg_database("kohtaamo_bench_search")
    _reset_pg(pg)
    results["postgresql"] = _measure_child(pg)
    results["queries"] = len(load_queries())
    results["targets"] = {
        f"{db}_recall@5>=0.9": (results[db]["kohtaamo"]["all"]["recall@5"] or 0) >= 0.9
        for db in ("sqlite", "postgresql")
    }
    return results


def summary(results: dict) -> list[str]:
    lines = [
        f"Search quality over {results['queries']} everyday need descriptions (bench/search_eval.json); "
        "held-out queries were never used for tuning"
    ]
    for db in ("sqlite", "postgresql"):
        lines.append(f"-- {db}")
        lines += format_report({k: v for k, v in results[db].items() if k != "misses"}).splitlines()
    lines.append(
        "targets: "
        + ", ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in results["targets"].items())
    )
    return lines


def main(argv=None) -> None:
    import argparse

    from bench.directory import demo_database

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="PostgreSQL URL of a throwaway database to use")
    parser.add_argument("--misses", action="store_true", help="list the tuned queries missed")
    args = parser.parse_args(argv)
    with demo_database(args.postgres):
        result = evaluate(details=args.misses)
    print(format_report(result))
    if args.misses:
        for miss in result["misses"]:
            if not miss["holdout"]:
                print("  missed:", miss["lang"], miss["q"])


if __name__ == "__main__":
    main()
