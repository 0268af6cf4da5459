"""`make bench`: every benchmark, figures to bench/results/ (JSON and a text summary each).

Sections: foundation (issue 3) and, where present, desk, directory/search, evaluation dashboards.
`python -m bench.run foundation search` runs only the named sections.
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback

from bench.common import RESULTS, log, write_results

SECTIONS = [
    "foundation",
    "desk",
    "search",
    "directory",
    "dashboards",
    "outreach",
    "chat",
    "casework",
]


def main(argv: list[str]) -> int:
    chosen = [a for a in argv if not a.startswith("-")] or SECTIONS
    RESULTS.mkdir(parents=True, exist_ok=True)
    failed = []
    for name in chosen:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError:
            log(f"{name}: not present, skipped")
            continue
        if not hasattr(module, "run"):
            log(f"{name}: has no run(), skipped")
            continue
        log(f"== {name}")
        start = time.time()
        try:
            data = module.run()
            data["elapsed_s"] = round(time.time() - start, 1)
            write_results(name, data, module.summary(data))
        except Exception:
            traceback.print_exc()
            failed.append(name)
    if failed:
        log(f"failed sections: {failed}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
