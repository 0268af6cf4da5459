"""Translation catalogue check: `python -m kohtaamo.core.i18ncheck [--update]`.

Runs makemessages for sv and en (Finnish is written in the catalogue too, since source strings are
English) into a scratch copy, then fails if any message is missing from the committed catalogues
or untranslated. With --update the committed catalogues are refreshed in place.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "kohtaamo" / "locale"
LANGS = ["fi", "sv", "en"]


def run_makemessages(cwd: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kohtaamo.settings"}
    for domain in ("django", "djangojs"):
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
        ]
        for lang in LANGS:
            cmd += ["-l", lang]
        subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True)


def untranslated(po: Path) -> list[str]:
    """msgids with an empty msgstr, or marked fuzzy (a tiny .po reader, enough for our files)."""
    missing, msgid, fuzzy, in_msgstr, msgstr = [], None, False, False, ""
    lines = po.read_text(encoding="utf-8").splitlines() + [""]
    for line in lines:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            msgid, in_msgstr = line[6:].strip('"'), False
        elif line.startswith("msgstr"):
            in_msgstr = True
            msgstr = line.split(" ", 1)[1].strip('"')
        elif line.startswith('"') and in_msgstr:
            msgstr += line.strip('"')
        elif line.startswith('"') and msgid is not None and not in_msgstr:
            msgid += line.strip('"')
        elif not line.strip():
            if msgid and in_msgstr and (not msgstr or fuzzy):
                missing.append(msgid)
            msgid, fuzzy, in_msgstr, msgstr = None, False, False, ""
    return missing


def main(argv: list[str]) -> int:
    update = "--update" in argv
    if update:
        run_makemessages(ROOT)
        print("catalogues updated in kohtaamo/locale")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / "locale"
        shutil.copytree(LOCALE, scratch) if LOCALE.exists() else scratch.mkdir()
        # makemessages writes into LOCALE_PATHS; run it on a copy by swapping directories.
        backup = Path(tmp) / "committed"
        shutil.copytree(LOCALE, backup) if LOCALE.exists() else backup.mkdir()
        try:
            run_makemessages(ROOT)
            problems = []
            for lang in LANGS:
                for po in sorted((LOCALE / lang / "LC_MESSAGES").glob("*.po")):
                    committed = backup / lang / "LC_MESSAGES" / po.name
                    new_ids = set(_ids(po))
                    old_ids = set(_ids(committed)) if committed.exists() else set()
                    for msg in sorted(new_ids - old_ids):
                        problems.append(f"{lang}: not in the catalogue: {msg!r}")
                    for msg in untranslated(committed) if committed.exists() else []:
                        problems.append(f"{lang}: untranslated: {msg!r}")
        finally:
            shutil.rmtree(LOCALE, ignore_errors=True)
            shutil.copytree(backup, LOCALE)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} translation problem(s); run `make messages` and translate.")
        return 1
    print("translations complete")
    return 0


def _ids(po: Path) -> list[str]:
    ids, current = [], None
    for line in po.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            current = line[6:].strip('"')
        elif line.startswith('"') and current is not None:
            current += line.strip('"')
        else:
            if current:
                ids.append(current)
            current = None
    return ids


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
