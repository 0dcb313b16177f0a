"""The allowed values of the estimators' options, one ``Literal`` each (the signature, the
docs and the checks read the same set)."""

from __future__ import annotations

from typing import Literal

from helpers.core.vocabulary import Design

__all__ = [
    "Design",
    "SEType",
    "Estimand",
    "PSModel",
    "PAdjustMethod",
    "MetaMethod",
    "MetaCI",
    "MetaPI",
]


# Design: every design of :func:`helpers.stats.estimate.estimate_effect`, defined once in
# helpers.core.vocabulary (the registry validates against the same set).
#: The standard errors of the least-squares designs (diff, ancova).
RegressionSE = Literal["robust", "classical", "HC0", "HC1", "HC2", "HC3", "cluster"]
#: The standard errors of ``ipw``: ``robust`` (HC2, CR1 with a cluster), ``HC0``-``HC3`` and
#: ``cluster`` treat the weights as known; ``sandwich`` stacks the propensity model
#: (M-estimation, as Stata's teffects); ``bootstrap`` resamples.
IPWSE = Literal["robust", "sandwich", "HC0", "HC1", "HC2", "HC3", "cluster", "bootstrap"]
SEType = Literal["classical", "robust", "HC0", "HC1", "HC2", "HC3", "cluster", "bootstrap"]
Estimand = Literal["ATT", "ATE"]
#: The propensity-score model (as Stata's teffects: logit or probit).
PSModel = Literal["logit", "probit"]
#: Designs :func:`helpers.stats.moderation.moderated_effects` fits with an interaction.
ModerationDesign = Literal["diff", "ancova"]
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
