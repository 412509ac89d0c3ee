"""Public names that load their module on first use (PEP 562), for the package ``__init__`` files.

The crawling process imports ``extract.urls`` and ``scoring.sitewide``; a
package ``__init__`` that imported every public name at once would pull
trafilatura, langdetect and scikit-learn into it as well.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

__all__ = ["lazy_attributes"]


def lazy_attributes(package: str, public: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``public[name]`` and returns its ``name``."""

    def __getattr__(name: str) -> Any:
        if name not in public:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(import_module(public[name]), name)

    return __getattr__
