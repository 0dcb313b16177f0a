"""The project's exceptions: one base class, one named error per kind of failure.

Every message names what was wrong and what was expected, and, for input files, the file,
the row and the column, so that a user can fix the input without reading a traceback.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "HelpersError",
    "ConfigError",
    "InputFileError",
    "CodebookError",
    "EstimationError",
    "DisclosureError",
    "RegionCheckError",
]


class HelpersError(Exception):
    """Base class of every error raised by :mod:`helpers`."""


class ConfigError(HelpersError, ValueError):
    """The region registry or a parameter is invalid."""


class InputFileError(HelpersError, ValueError):
    """An input file cannot be read or does not hold what was expected.

    Parameters
    ----------
    path : str or Path
        The file.
    message : str
        What was wrong and what was expected.
    row : int, optional
        1-based data row (the header is not counted).
    column : str, optional
        The column as named in the file.
    sheet : str, optional
        The sheet of an XLSX workbook.
    """

    def __init__(
        self,
        path: str | Path,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        sheet: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.row = row
        self.column = column
        self.sheet = sheet
        self.message = message
        where = [f"{self.path}"]
        if sheet is not None:
            where.append(f"sheet {sheet!r}")
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}")

    def __reduce__(self):
        # rebuilt from its parts when it crosses a process boundary (--jobs workers); the
        # default would call __init__ with the formatted text only, and fail
        kwargs = {"row": self.row, "column": self.column, "sheet": self.sheet}
        return (_rebuild_input_error, (type(self), self.path, self.message, kwargs))


def _rebuild_input_error(cls: type, path: Path, message: str, kwargs: dict) -> InputFileError:
    return cls(path, message, **kwargs)


class CodebookError(InputFileError):
    """A codebook is malformed or references a column the data do not have."""


class EstimationError(HelpersError, ValueError):
    """An estimate cannot be computed honestly from the data given (one group only, a constant
    outcome, too few clusters, ...)."""


class DisclosureError(HelpersError, RuntimeError):
    """Processed data or a report holds personal data or a cell below the minimum size."""


class RegionCheckError(HelpersError, ValueError):
    """A region's raw files, codebook or registry entry fail the check before a run.

    Parameters
    ----------
    region : str
        The region's slug.
    problems : sequence of str
        One sentence per problem, each naming the file, the codebook row or registry key, what
        was expected and the fix.
    """

    def __init__(self, region: str, problems: tuple[str, ...] | list[str]) -> None:
        self.region = region
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            f"region {region!r}: {len(self.problems)} problem(s) to fix before the run "
            f"(python -m helpers.pipeline check --region {region}):\n{lines}"
        )

    def __reduce__(self):
        return (type(self), (self.region, self.problems))
