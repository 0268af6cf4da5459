"""Translation catalogue check: `python -m kohtaamo.core.i18ncheck [--update]`.

Source strings are English; Finnish (the default), Swedish and English catalogues live in
kohtaamo/locale/. Without arguments, runs makemessages into a scratch copy and fails when a message
is missing from the committed catalogues, or is untranslated or fuzzy in Finnish or Swedish.
With --update the committed catalogues are refreshed in place, and English entries are filled with
their source text.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "kohtaamo" / "locale"
LANGS = ["fi", "sv", "en"]
DOMAINS = ["django", "djangojs"]


def run_makemessages() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kohtaamo.settings"}
    for domain in DOMAINS:
        cmd = [
            sys.executable,
            str(ROOT / "manage.py"),
            "makemessages",
            "--no-obsolete",
            "--no-location",
            "-d",
            domain,
            "--ignore=.venv/*",
            "--ignore=bench/*",
            "--ignore=staticfiles/*",
            "--ignore=kohtaamo/static/vendor/*",
            "--ignore=test-artifacts/*",
            "--ignore=*/tests/*",
        ]
        for lang in LANGS:
            cmd += ["-l", lang]
        subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)


def fix_headers() -> None:
    """makemessages leaves a fuzzy template header; give each catalogue its language."""
    for lang in LANGS:
        for domain in DOMAINS:
            path = LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"
            if path.exists():
                po = polib.pofile(str(path))
                po.metadata["Language"] = lang
                po.metadata["Project-Id-Version"] = "Kohtaamo"
                po.metadata_is_fuzzy = False
                po.save()


def fill_english() -> None:
    for domain in DOMAINS:
        path = LOCALE / "en" / "LC_MESSAGES" / f"{domain}.po"
        if not path.exists():
            continue
        po = polib.pofile(str(path))
        for entry in po:
            # The source strings are English: the English catalogue is the source itself (this
            # also undoes msgmerge's fuzzy guesses).
            if entry.msgid_plural:
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            else:
                entry.msgstr = entry.msgid
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        po.save()


def _key(entry) -> tuple:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def problems_in(committed: Path, fresh: Path) -> list[str]:
    problems = []
    for lang in LANGS:
        for domain in DOMAINS:
            new_path = fresh / lang / "LC_MESSAGES" / f"{domain}.po"
            old_path = committed / lang / "LC_MESSAGES" / f"{domain}.po"
            if not new_path.exists():
                continue
            new = polib.pofile(str(new_path))
            old = {_key(e): e for e in polib.pofile(str(old_path))} if old_path.exists() else {}
            for entry in new:
                known = old.get(_key(entry))
                if known is None:
                    problems.append(f"{lang}/{domain}: not in the catalogue: {entry.msgid!r}")
                elif not known.translated():
                    problems.append(f"{lang}/{domain}: untranslated or fuzzy: {entry.msgid!r}")
    return problems


def main(argv: list[str]) -> int:
    if "--update" in argv:
        run_makemessages()
        fix_headers()
        fill_english()
        print(
            "catalogues updated in kohtaamo/locale; translate the empty Finnish and Swedish entries"
        )
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        committed = Path(tmp) / "committed"
        if LOCALE.exists():
            shutil.copytree(LOCALE, committed)
        else:
            committed.mkdir()
        fresh = Path(tmp) / "fresh"
        try:
            run_makemessages()
            shutil.copytree(LOCALE, fresh)
        finally:
            shutil.rmtree(LOCALE, ignore_errors=True)
            shutil.copytree(committed, LOCALE)
        problems = problems_in(committed, fresh)
    for p in problems[:200]:
        print(p)
    if problems:
        print(f"{len(problems)} translation problem(s); run `make messages` and translate them.")
        return 1
    print("translations complete in fi, sv and en")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
