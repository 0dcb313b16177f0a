"""The allowed values of the estimators' options, one ``Literal`` each (the signature, the
docs and the checks read the same set)."""

from __future__ import annotations

from typing import Literal

__all__ = [
    "Design",
    "SEType",
    "Estimand",
    "PAdjustMethod",
    "MetaMethod",
    "MetaCI",
    "MetaPI",
]


Design = Literal["diff", "ancova", "ipw", "did", "paired", "mixed"]
SEType = Literal["classical", "robust", "HC0", "HC1", "HC2", "HC3", "cluster", "bootstrap"]
Estimand = Literal["ATT", "ATE"]
PAdjustMethod = Literal[
    "fdr_bh",
    "fdr_by",
    "bonferroni",
    "holm",
    "sidak",
    "holm-sidak",
    "simes-hochberg",
    "hommel",
]
MetaMethod = Literal["dl", "pm", "reml"]
MetaCI = Literal["z", "hksj", "hksj_adhoc"]
MetaPI = Literal["riley", "metafor"]
MDEDesign = Literal["diff", "ancova", "paired"]
Language = Literal["id", "en"]
