"""Reading and writing the local `.env` file.

`read_env` loads KEY=VALUE lines into os.environ without overriding variables that are already
set, so the real environment (CI, production) always wins. `python -m kohtaamo.core.envfile PATH`
writes a development `.env` with freshly generated secrets; `make run` calls it once.
"""

from __future__ import annotations

import base64
import os
import secrets
import sys
from pathlib import Path


def read_env(path: Path) -> None:
    if not path.is_file():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


def development_env() -> str:
    field_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    return "\n".join(
        [
            "# Written by `make run` for local development. Never use these values in production.",
            "DEBUG=True",
            f"SECRET_KEY={secrets.token_urlsafe(50)}",
            f"KOHTAAMO_FIELD_KEYS={field_key}",
            f"KOHTAAMO_HASH_KEY={secrets.token_urlsafe(32)}",
            "KOHTAAMO_ALLOW_TEMPORARY_HETU=True",
            "ALLOWED_HOSTS=127.0.0.1,localhost,testserver",
            "",
        ]
    )


def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else ".env")
    if path.exists():
        print(f"{path} exists, left as it is")
        return 0
    path.write_text(development_env(), encoding="utf-8")
    path.chmod(0o600)
    print(f"wrote {path} with generated secrets")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
