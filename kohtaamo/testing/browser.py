"""Browser-test support: Debian's chromium driven by Playwright, and an axe-core check."""

from __future__ import annotations

import os

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def axe_violations(page, *, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (bundled by axe-playwright-python, works offline) on the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = results.response.get("violations", [])
    return [v for v in violations if v.get("impact") in impacts]


def assert_no_axe_violations(page, label: str = "") -> None:
    found = axe_violations(page)
    detail = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in found
    )
    assert not found, f"axe found serious/critical violations on {label or page.url}:\n{detail}"


def screenshot_dir() -> str:
    path = os.environ.get("KOHTAAMO_SCREENSHOTS", "test-artifacts")
    os.makedirs(path, exist_ok=True)
    return path
