"""Names of a package loaded on first use (PEP 562), so that importing one light
module of the package does not import its heavy siblings."""

from __future__ import annotations

import importlib
from typing import Any, Callable


def lazy_names(package: dict[str, Any], where: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` (its ``globals()``): ``where`` maps
    each public name to the submodule it lives in; a loaded name is kept."""

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package['__name__']!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package['__name__']}.{module}"), name)
        package[name] = value
        return value

    return __getattr__
