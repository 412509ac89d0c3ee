"""linkverifier: verify backlinks the way a search engine would see them."""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/linkverifier/linkverifier"
USER_AGENT = f"linkverifier/{__version__} (+{PROJECT_URL})"

__all__ = ["__version__", "PROJECT_URL", "USER_AGENT"]
