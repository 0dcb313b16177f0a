"""One run's outputs per folder: a region is built in a staging folder and swapped in whole.

While the runner builds a region, its notebooks write ``data/processed/<slug>/`` tables into
``data/processed/.staging/<slug>/`` (the notebooks' kernels get :data:`STAGING_ENV`), and its
report is exported to ``reports/.staging/<slug>.html``. Only when every notebook ran, the export
worked and the disclosure scan found nothing is the staged set published: the processed folder
replaces the old one (two renames) and the report is renamed into place. So nothing from a
previous run survives beside the new one, and a failed or killed run leaves the old set as it
was; a run killed between the two renames is completed or undone by :meth:`RegionStage.recover`
at the start of the next one.

Examples
--------
>>> import tempfile, pathlib
>>> from helpers.core.paths import ProjectPaths
>>> project = ProjectPaths(pathlib.Path(tempfile.mkdtemp()))
>>> stage = RegionStage(project, "medan")
>>> stage.begin()
>>> _ = (stage.folder / "effects.parquet").write_bytes(b"new")
>>> stage.publish()
>>> sorted(p.name for p in project.published_region("medan").iterdir())
['effects.parquet']
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from helpers.core.paths import STAGING_ENV, ProjectPaths, staging_value

__all__ = ["RegionStage", "staging_env"]


@dataclass(frozen=True)
class RegionStage:
    """The staging folder and staged report of one region of one project."""

    project: ProjectPaths
    slug: str

    @property
    def folder(self) -> Path:
        """Where the notebooks write the region's processed tables during the run."""
        return self.project.staging / self.slug

    @property
    def previous(self) -> Path:
        """The published set, moved aside for the instant of the swap."""
        return self.project.staging / f"{self.slug}.previous"

    @property
    def report(self) -> Path:
        """Where the report is exported before it is scanned."""
        return self.project.reports / ".staging" / f"{self.slug}.html"

    def env(self) -> dict[str, str]:
        """The environment the region's notebooks get: its processed tables go to staging."""
        return staging_env({self.slug: self.folder})

    def recover(self) -> None:
        """Finish or undo a swap that a killed run left half done, and drop stale staging."""
        published = self.project.published_region(self.slug)
        if self.previous.exists():
            if published.exists():  # the new set was in place: the old one can go
                shutil.rmtree(self.previous)
            else:  # killed between the two renames: put the old set back
                os.replace(self.previous, published)
        self.discard()

    def begin(self) -> None:
        """An empty staging folder (after :meth:`recover`); the old set is left alone."""
        self.recover()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.report.parent.mkdir(parents=True, exist_ok=True)

    def publish(self) -> None:
        """Swap the staged processed folder in for the published one, then the report."""
        published = self.project.published_region(self.slug)
        published.parent.mkdir(parents=True, exist_ok=True)
        if published.exists():
            os.replace(published, self.previous)
        os.replace(self.folder, published)
        if self.previous.exists():
            shutil.rmtree(self.previous)
        if self.report.exists():
            os.replace(self.report, self.project.report_file(self.slug))

    def discard(self) -> None:
        """Remove what this run staged (never what is published)."""
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.report.unlink(missing_ok=True)


def staging_env(folders: dict[str, Path]) -> dict[str, str]:
    """``{STAGING_ENV: ...}`` for several regions' staging folders (the synthesis of a
    parallel run reads the effects of regions not yet published)."""
    return {STAGING_ENV: staging_value(folders)} if folders else {}
