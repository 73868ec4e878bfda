"""What the program reads at run time ships in the wheel and is reached through importlib.resources.

Nothing is built here: the wheel itself is checked end to end by tests/wheel_check.py (`make
wheel-check`, run by .ci/run). These tests catch the usual slip early: a data file added to the tree
that no package-data pattern in pyproject.toml covers, or code that reads a file the package lacks.
"""

from __future__ import annotations

import glob
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from advisor.config import BUNDLED_CORPUS
from advisor.package_data import file, folder

REPO_ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
PACKAGE_DIRS = PYPROJECT["package-dir"]          # advisor.corpus -> corpus, advisor.prompts -> prompts
PACKAGE_DATA = PYPROJECT["package-data"]
TOP_LEVEL = ("advisor", "ingest", "evals", "ui")

# Every data file the code reads, by package (the modules that read them: knowledge/, text.py,
# scope.py, query.py, phrases.py, prompting.py, ui/texts.py, evals/).
READ_AT_RUN_TIME = {
    "advisor.knowledge": ["framework.toml", "criteria.toml", "legal.toml", "concept_cards.toml"],
    "advisor.resources": ["stopwords_nl.txt", "stopwords_en.txt", "glossary_en_nl.tsv", "scope.toml",
                          "suggestions.toml",
                          "steering_patterns.txt", "offtopic_patterns.txt", "addressing_patterns.txt"],
    "advisor.prompts": ["advice.toml", "llm.toml"],
    "advisor.corpus": ["manifest.toml"],
    "ui": ["texts.toml"],
    "evals": ["thresholds.toml", "golden/core.jsonl", "golden/extended.jsonl", "planted/README.md"],
}


def package_dir(package: str) -> Path:
    return REPO_ROOT / PACKAGE_DIRS.get(package, package.replace(".", "/"))


def shipped(package: str) -> set[Path]:
    """The files setuptools puts in the wheel for `package`'s package-data patterns (same glob rule)."""
    root = package_dir(package)
    return {Path(p) for pattern in PACKAGE_DATA.get(package, []) for p in glob.glob(str(root / pattern))
            if Path(p).is_file()}


def data_files() -> list[Path]:
    """Every file of the packages' folders that is not Python code."""
    roots = [REPO_ROOT / name for name in TOP_LEVEL] + [REPO_ROOT / d for d in PACKAGE_DIRS.values()]
    return sorted(p for root in roots for p in root.rglob("*")
                  if p.is_file() and p.suffix not in {".py", ".pyc"} and "__pycache__" not in p.parts)


def test_every_data_file_in_the_tree_is_covered_by_a_package_data_pattern():
    covered = set().union(*(shipped(package) for package in PACKAGE_DATA))
    missing = [str(p.relative_to(REPO_ROOT)) for p in data_files() if p not in covered]
    assert not missing, f"not in the wheel: {missing}; add a pattern to [tool.setuptools.package-data]"


@pytest.mark.parametrize("package,name", [(pkg, name) for pkg, names in READ_AT_RUN_TIME.items() for name in names])
def test_data_read_at_run_time_is_reachable_through_importlib_resources(package, name):
    assert file(package, name).read_bytes()
    assert package_dir(package) / name in shipped(package)


def test_every_document_of_the_corpus_manifest_ships_with_it():
    manifest = tomllib.loads(file("advisor.corpus", "manifest.toml").read_text(encoding="utf-8"))
    names = [entry["file"] for entry in manifest["documents"]]
    assert len(names) == 5
    for name in names:
        assert file("advisor.corpus", name).read_text(encoding="utf-8").strip()
        assert package_dir("advisor.corpus") / name in shipped("advisor.corpus")


def test_the_mapped_folders_are_the_repository_folders_and_the_defaults_use_them():
    """corpus/ and prompts/ stay at the repository root and are installed as advisor.corpus and
    advisor.prompts: in an editable install importlib.resources reaches the root folders."""
    assert folder("advisor.corpus") == BUNDLED_CORPUS == REPO_ROOT / "corpus"
    assert Path(str(resources.files("advisor.prompts"))) == REPO_ROOT / "prompts"
    from evals import golden, runner, systems

    assert golden.GOLDEN_DIR == REPO_ROOT / "evals" / "golden"
    assert runner.THRESHOLDS.is_file() and systems.PLANTED.is_dir()


def test_a_missing_data_package_names_the_fix():
    from advisor.errors import PackageDataError

    with pytest.raises(PackageDataError, match="reinstall"):
        folder("advisor.no_such_data")
    with pytest.raises(PackageDataError, match="advisor/prompts/nope.toml is missing"):
        file("advisor.prompts", "nope.toml")
