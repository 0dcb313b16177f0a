"""Write CSV and byte-identical XLSX files."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd

from helpers.simulate.common import FIXED_DOC_TIME, FIXED_ZIP_TIME


# --------------------------------------------------------------------------- writers
def _write_csv(df: pd.DataFrame, path: Path, *, sep: str = ",") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    df.to_csv(buf, index=False, sep=sep, lineterminator="\n")
    path.write_bytes(buf.getvalue().encode("utf-8"))


def _write_xlsx(sheets: dict[str, pd.DataFrame], path: Path) -> None:
    """XLSX with fixed timestamps inside, so the same seed gives byte-identical files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for name, df in sheets.items():
            df.to_excel(xw, sheet_name=name, index=False)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", FIXED_DOC_TIME.encode(), data)
            dst.writestr(
                zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
            )
    path.write_bytes(out.getvalue())
