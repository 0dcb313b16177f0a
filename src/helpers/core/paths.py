"""The project's folders, found once from the package, and the checks that keep every path a
region names inside the project.

The project root is ``ASN_EVAL_ROOT`` if set, else the folder holding ``config/regions.yaml``
above this package, else above the working directory; every folder is a named property of
:class:`ProjectPaths`, so notebooks run from any working directory.

Examples
--------
>>> from helpers.core.paths import paths
>>> paths.raw_region("medan").relative_to(paths.root).as_posix()
'data/raw/medan'
>>> paths.relative(paths.report_file("medan"))
'reports/medan.html'
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from helpers.core.errors import ConfigError

__all__ = [
    "PROJECT_ROOT",
    "ProjectPaths",
    "paths",
    "SLUG_PATTERN",
    "STAGING_ENV",
    "checked_slug",
    "staging_value",
]

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,40}$")

#: Set by the runner for the notebooks it runs: ``slug=folder`` pairs joined by ``;``. A region
#: named there writes (and reads) its processed tables in that staging folder, which the runner
#: swaps in whole once the run succeeded and its outputs passed the disclosure scan. A notebook
#: opened in JupyterLab has no such variable and works on ``data/processed/<slug>/`` directly.
STAGING_ENV = "ASN_EVAL_STAGING"


def staging_value(folders: dict[str, Path]) -> str:
    """The :data:`STAGING_ENV` value for ``{slug: staging folder}``."""
    return ";".join(f"{checked_slug(s)}={Path(f).resolve()}" for s, f in sorted(folders.items()))


def _staged(slug: str, root: Path) -> Path | None:
    value = os.environ.get(STAGING_ENV, "")
    for pair in filter(None, value.split(";")):
        name, _, folder = pair.partition("=")
        if name == slug and folder:
            path = Path(folder)
            if path.is_relative_to(root.resolve()):  # only this project's staging folders
                return path
    return None


def _find_root() -> Path:
    env = os.environ.get("ASN_EVAL_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve().parents[3]  # src/helpers/core/paths.py -> the root
    if (here / "config" / "regions.yaml").is_file():
        return here
    for candidate in [Path.cwd(), *Path.cwd().parents]:
        if (candidate / "config" / "regions.yaml").is_file():
            return candidate
    return here


def checked_slug(slug: str) -> str:
    """``slug`` if it is a valid region slug, else a :class:`ConfigError` saying what is valid."""
    if not isinstance(slug, str) or not SLUG_PATTERN.match(slug):
        raise ConfigError(
            f"region slug {slug!r} is not valid: expected lower-case letters, digits and '_' "
            "(2-41 characters, starting with a letter), e.g. 'kepahiang'"
        )
    return slug


@dataclass(frozen=True)
class ProjectPaths:
    """Every folder of the project, relative to one root.

    Tests and the benchmarks build a ``ProjectPaths`` on a temporary copy; everything else uses
    :data:`paths`, built on :data:`PROJECT_ROOT`.
    """

    root: Path

    @property
    def config_file(self) -> Path:
        return self.root / "config" / "regions.yaml"

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def review(self) -> Path:
        return self.root / "data" / "review"

    @property
    def truth(self) -> Path:
        return self.root / "data" / "truth"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def build(self) -> Path:
        """Executed notebooks, kept for audit (and for inspection when a region fails)."""
        return self.root / "reports" / "build"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    def raw_region(self, slug: str) -> Path:
        return self.raw / checked_slug(slug)

    @property
    def staging(self) -> Path:
        """Where a run writes a region's outputs before they are scanned and swapped in."""
        return self.processed / ".staging"

    def processed_region(self, slug: str) -> Path:
        """``data/processed/<slug>/``, or the region's staging folder while the runner builds
        it (see :data:`STAGING_ENV`)."""
        return _staged(checked_slug(slug), self.root) or self.processed / slug

    def published_region(self, slug: str) -> Path:
        """``data/processed/<slug>/`` itself, whatever a run is staging."""
        return self.processed / checked_slug(slug)

    def review_region(self, slug: str) -> Path:
        return self.review / checked_slug(slug)

    def report_file(self, slug: str) -> Path:
        return self.reports / f"{checked_slug(slug)}.html"

    def relative(self, path: str | Path) -> str:
        """``path`` relative to the project root, as POSIX text (never a machine path).

        A path outside the project is given by its file name only, so no home folder or machine
        layout leaks into an output.
        """
        p = Path(path)
        try:
            return p.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            try:
                return p.relative_to(self.root).as_posix()
            except ValueError:
                return p.name

    def region_input(self, slug: str, name: str, *, what: str = "file") -> Path:
        """A file a region's registry entry names, confined to the project.

        ``name`` is a plain file name in ``data/raw/<slug>/``, or a relative path from there
        (``../shared/codebook.csv`` is refused: no ``..``). The resolved path, symbolic links
        followed, must stay inside the project root.

        Raises
        ------
        ConfigError
            ``name`` is absolute, climbs with ``..``, or resolves outside the project.
        """
        pure = PurePosixPath(str(name).replace("\\", "/"))
        if pure.is_absolute() or str(name).startswith("~") or re.match(r"^[A-Za-z]:", str(name)):
            raise ConfigError(
                f"region {slug!r}: {what} {name!r} must be a path inside data/raw/{slug}/, "
                "not an absolute path"
            )
        if ".." in pure.parts:
            raise ConfigError(
                f"region {slug!r}: {what} {name!r} must not climb out of data/raw/{slug}/ with '..'"
            )
        path = self.raw_region(slug).joinpath(*pure.parts)
        root = self.root.resolve()
        resolved = path.resolve()
        if not resolved.is_relative_to(root):
            raise ConfigError(
                f"region {slug!r}: {what} {name!r} resolves outside the project (a symbolic "
                "link?); put the file itself in the region's data folder"
            )
        return path


PROJECT_ROOT: Path = _find_root()
paths = ProjectPaths(PROJECT_ROOT)
