"""Only the package list lives here; everything else is in pyproject.toml.

corpus/ and prompts/ stay at the repository root, where people look for them, and ship inside the
wheel as `advisor.corpus` and `advisor.prompts` (the `package-dir` mapping in pyproject.toml).
pyproject.toml cannot add packages to a `find` result, and a fixed list would silently drop a new
subpackage from the wheel, so the two mapped packages are added to what discovery finds here.
"""

from setuptools import find_namespace_packages, setup

setup(packages=find_namespace_packages(include=["advisor*", "ingest*", "evals*", "ui*"]) + ["advisor.corpus", "advisor.prompts"])
