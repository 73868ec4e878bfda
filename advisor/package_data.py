"""The one way the program reaches what ships inside it: `importlib.resources`.

Knowledge, word lists, prompts and interface texts are package data, so an installed wheel
runs from any folder; nothing is read relative to the repository.
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

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


def folder(package: str) -> Path:
    """The folder of a data package on disk, for code that walks it with pathlib (ingest, evals).

    pip installs wheels unpacked, so this is the installed package's own folder (in a checkout,
    the folder `package-dir` in pyproject.toml maps it to, e.g. corpus/ for advisor.corpus)."""
    try:
        root = resources.files(package)
    except ModuleNotFoundError:
        root = None
    if not isinstance(root, Path) or not root.is_dir():
        raise PackageDataError(f"the data package {package} is not installed as a folder ({root}); "
                               "reinstall it (pip install --force-reinstall social-procurement-advisor) "
                               "or, in a checkout, run 'make install'")
    return root
