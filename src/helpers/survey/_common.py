"""What the survey tools share. Private to :mod:`helpers.survey`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from helpers.core.errors import ConfigError
from helpers.io.parsing import cell_text


def _require_columns(df: pd.DataFrame, columns: Sequence[Any], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ConfigError(
            f"{what}: column(s) {missing} not in the table; columns are {list(df.columns)}"
        )


def _text(value: Any) -> str:
    """A cell as comparable text: :func:`~helpers.io.parsing.cell_text`, stripped."""
    return cell_text(value).strip()
