"""``--render``: pages as headless Chromium shows them (scrapy-playwright).

``verify``, ``referrers`` and ``discover`` render only source pages that
answered with HTML but hold no link to the target: most pages show their
links as served, and a browser page costs a hundred times the CPU and memory
of a fetch. ``hreflang`` renders every page it reads (alternates that
scripts add count for Google). Targets, sitemaps and robots.txt are always
fetched as served.

Chromium is the system's (``chromium``, ``chromium-browser``, ``google-chrome``
on PATH, or ``LINKVERIFIER_CHROMIUM``), else Playwright's own download
(``playwright install chromium``). Nothing is fetched to set it up.
"""

from __future__ import annotations

import importlib.util
import os
import shutil

__all__ = ["RenderUnavailable", "render_settings", "chromium_path"]

# Flags for a headless Chromium on a server: no sandbox when running as root, and no
# background traffic to Google's services (update checks, sync, field trials).
CHROMIUM_ARGS = [
    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]
# Browser pages open at once: each costs tens of MB and a share of a core.
PAGES = 4


class RenderUnavailable(Exception):
    """--render was asked for but cannot work here (the CLI exits 2)."""


def chromium_path() -> str | None:
    configured = os.environ.get("LINKVERIFIER_CHROMIUM")
    if configured:
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _playwright_chromium() -> bool:
    """Whether `playwright install chromium` has put a browser where Playwright looks."""
    root = os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or os.path.expanduser("~/.cache/ms-playwright")
    return os.path.isdir(root) and any(name.startswith("chromium") for name in os.listdir(root))


def _proxy() -> dict | None:
    """The http_proxy of the environment, as Scrapy's own downloads use it."""
    server = os.environ.get("http_proxy") or os.environ.get("HTTP_PROXY")
    if not server:
        return None
    proxy = {"server": server}
    bypass = os.environ.get("no_proxy") or os.environ.get("NO_PROXY")
    if bypass:
        proxy["bypass"] = bypass
    return proxy


def render_settings(timeout: float) -> dict:
    """Scrapy settings that route ``meta={"playwright": True}`` requests through Chromium."""
    if importlib.util.find_spec("scrapy_playwright") is None:
        raise RenderUnavailable("--render needs scrapy-playwright: pip install 'linkverifier[render]'")
    launch: dict = {"headless": True, "args": CHROMIUM_ARGS + (["--no-sandbox"] if os.geteuid() == 0 else [])}
    executable = chromium_path()
    if executable:
        launch["executable_path"] = executable
    elif not _playwright_chromium():
        raise RenderUnavailable("--render needs Chromium: install it (Debian: apt install chromium), "
                                "set LINKVERIFIER_CHROMIUM to its path, or run `playwright install chromium`")
    proxy = _proxy()
    if proxy:
        launch["proxy"] = proxy
    handler = "crawler.render_handler.RenderHandler"
    return {
        "DOWNLOAD_HANDLERS": {"http": handler, "https": handler},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": launch,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": timeout * 1000,
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": PAGES,
        "LINKVERIFIER_RENDER": True,
    }
