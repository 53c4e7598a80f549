"""A tiny package that pyship's actions build, lock, audit and publish."""

__version__ = "0.1.0"


def greet(name: str) -> str:
    return f"Hello, {name}!"
