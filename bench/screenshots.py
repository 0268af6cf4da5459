"""`make screenshots`: screenshots of the main screens for the README, from a demo server.

Starts `runserver` on a port of its own against the demo SQLite database, logs in as demo users
(setting up two-factor authentication on the way) and saves PNGs to docs/screenshots/.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PORT = int(os.environ.get("SCREENSHOT_PORT", "8123"))
PASSWORD = "Kohtaamo-demo-2026"

# (file, user, path, width); paths may be filled in by a callable that gets the page
SHOTS = [
    ("login", None, "/accounts/login/", 1200),
    ("my-day", "sosiaaliohjaaja", "/my-day/", 1200),
    ("person", "sosiaaliohjaaja", "first-person", 1200),
    ("desk-quick-entry", "sosiaaliohjaaja", "/desk/new/", 1200),
    ("desk-phone", "sosiaaliohjaaja", "/desk/new/", 360),
    ("desk-counts", "sosiaaliohjaaja", "/desk/counts/", 1200),
    ("registry-search-phone", "sosiaaliohjaaja", "registry-search", 360),
    ("directory", "sosiaaliohjaaja", "/directory/?q=vuokrat+r%C3%A4stiss%C3%A4", 1200),
    ("referral-figures", "esihenkilo", "/referrals/figures/", 1200),
    ("evaluation", "esihenkilo", "/evaluation/", 1200),
]


def totp(secret: str) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int(time.time()) // 30)
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 15
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def login(page, username: str, secrets: dict) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    shown = page.locator("[data-secret]")
    if shown.count():
        secrets[username] = shown.inner_text().strip()
    if username not in secrets:
        raise SystemExit(f"{username} already has two-factor set up; use a fresh demo database")
    page.fill("#id_token", totp(secrets[username]))
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def main() -> int:
    from kohtaamo.testing.browser import launch

    OUT.mkdir(parents=True, exist_ok=True)
    db = ROOT / "bench" / "results" / ".screenshots.sqlite3"
    db.unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DEBUG": "true"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*manage, "seed_demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{PORT}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)  # noqa: S310
                break
            except Exception:
                time.sleep(0.5)
        secrets: dict = {}
        with sync_playwright() as p:
            browser = launch(p)
            contexts = {}
            for name, user, path, width in SHOTS:
                if user not in contexts:
                    ctx = browser.new_context(
                        base_url=f"http://127.0.0.1:{PORT}", viewport={"width": 1200, "height": 800}
                    )
                    page = ctx.new_page()
                    if user:
                        login(page, user, secrets)
                    contexts[user] = page
                page = contexts[user]
                page.set_viewport_size({"width": width, "height": 800})
                if path in ("first-person", "registry-search"):
                    page.goto("/people/")  # the search is posted: no name in the address
                    page.fill("#id_q", "vir")
                    page.click("form[role=search] button[type=submit]")
                    page.wait_for_selector("#results table")
                    if path == "first-person":
                        page.locator("#results a").first.click()
                else:
                    page.goto(path)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
                print(f"docs/screenshots/{name}.png  {page.title()}")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
