"""The one way the program reaches what ships inside it: `importlib.resources`.

Knowledge, word lists, prompts and interface texts are package data, so an installed wheel
runs from any folder; nothing is read relative to the repository.
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable

from advisor.errors import PackageDataError


def file(package: str, name: str) -> Traversable:
    """The data file `name` of `package`, which must exist."""
    try:
        target = resources.files(package).joinpath(name)
    except ModuleNotFoundError:
        target = None
    if target is None or not target.is_file():
        raise PackageDataError(f"{package.replace('.', '/')}/{name} is missing from the installed package; "
                               "reinstall it (pip install --force-reinstall social-procurement-advisor) "
                               "or, in a checkout, run 'make install'")
    return target


def read_text(package: str, name: str) -> str:
    return file(package, name).read_text(encoding="utf-8")
