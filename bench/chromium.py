"""A page opened in headless Chromium (the system's, through Playwright), for the report's bench and tests."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

__all__ = ["evaluate_in_chromium"]


def evaluate_in_chromium(path: Path, script: str, width: int = 1300) -> tuple[object, list[str], float]:
    """Open ``path`` at ``width`` px, wait until the report says it is ready (``body[data-ready]``), run
    ``script`` in it: (what the script returns, the page's script errors, seconds until ready)."""
    from playwright.async_api import async_playwright

    from crawler.render import CHROMIUM_ARGS, chromium_path

    async def run():
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS + ["--no-sandbox"])
            try:
                tab = await browser.new_page(viewport={"width": width, "height": 900})
                errors: list[str] = []
                tab.on("pageerror", lambda error: errors.append(str(error)))
                started = time.perf_counter()
                await tab.goto(path.as_uri())
                await tab.wait_for_selector("body[data-ready='1']", timeout=600_000)
                ready = time.perf_counter() - started
                return await tab.evaluate(script), errors, ready
            finally:
                await browser.close()

    return asyncio.run(run())
