"""helpers: evaluation of Indonesian civil-servant (ASN) training and career programmes.

The package holds all logic; notebooks hold narrative, parameters and calls. Its folders are
its layers (imports point down only; ARCHITECTURE.md has the module map):

=========== ======================================================================
``runner``  layer 2: runs the notebooks per region (``python -m helpers.pipeline``)
``report``  layer 2: executed notebooks -> offline HTML reports and the index
``steps``   layer 3: what a notebook calls for one region (cleaning, effects, ...)
``stats``   layer 4: estimators, power, meta-analysis, reliability, IKM
``privacy`` layer 4: NIP checks, keyed pseudonyms, de-identification, disclosure
``survey``  layer 4: duplicates, corrections, scale scores, record linkage
``qual``    layer 4: interview codes, agreement, frequencies, quotes
``io``      layer 5: reading exports, codebooks, schemas, atomic writes
``core``    layer 5: configuration and paths, errors, formatting for readers
=========== ======================================================================

``simulate`` (the example-data generator) stands beside them.

The functions researchers call are also available flat, imported on first use so that
``import helpers`` stays cheap:

>>> import helpers
>>> helpers.cronbach_alpha.__module__
'helpers.stats.alpha'
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_SUBPACKAGES = frozenset(
    {"core", "io", "privacy", "qual", "report", "runner", "simulate", "stats", "steps", "survey"}
)

#: The flat public API: name -> the module that defines it.
API: dict[str, str] = {
    # statistics
    "estimate_effect": "helpers.stats.estimate",
    "estimate_diff": "helpers.stats.regression",
    "estimate_ancova": "helpers.stats.regression",
    "estimate_ipw": "helpers.stats.weighting",
    "estimate_aipw": "helpers.stats.doubly_robust",
    "estimate_twfe": "helpers.stats.did",
    "estimate_paired": "helpers.stats.prepost",
    "estimate_mixed": "helpers.stats.mixed",
    "moderated_effects": "helpers.stats.moderation",
    "adjust_moderation": "helpers.stats.moderation",
    "robustness_value": "helpers.stats.sensitivity",
    "evalue_smd": "helpers.stats.sensitivity",
    "mde_from_se": "helpers.stats.power",
    "Effect": "helpers.stats.effect",
    "effects_table": "helpers.stats.effect",
    "ipw_weights": "helpers.stats.weighting",
    "balance_table": "helpers.stats.balance",
    "event_study": "helpers.stats.event_studies",
    "staggered_did": "helpers.stats.staggered",
    "wild_cluster_bootstrap": "helpers.stats.wild_bootstrap",
    "wild_bootstrap_fit": "helpers.stats.wild_bootstrap",
    "minimum_detectable_effect": "helpers.stats.power",
    "required_sample_size": "helpers.stats.power",
    "adjust_pvalues": "helpers.stats.multiplicity",
    "random_effects_meta": "helpers.stats.meta",
    "cronbach_alpha": "helpers.stats.alpha",
    "cohen_kappa": "helpers.stats.kappa",
    "fleiss_kappa": "helpers.stats.kappa",
    "krippendorff_alpha": "helpers.stats.krippendorff",
    "ikm": "helpers.stats.indices",
    "ikm_grade": "helpers.stats.indices",
    "ikm_per_respondent": "helpers.stats.indices",
    # personal data
    "validate_nip": "helpers.privacy.nip",
    "nip_parts": "helpers.privacy.nip",
    "make_nip": "helpers.privacy.nip",
    "normalise_nip": "helpers.privacy.nip",
    "pseudonymise": "helpers.privacy.pseudonym",
    "load_or_create_key": "helpers.privacy.pseudonym",
    "mask_text": "helpers.privacy.deidentify",
    "mask_series": "helpers.privacy.deidentify",
    "suppress_small_cells": "helpers.privacy.disclosure",
    # reading and codebooks
    "read_table": "helpers.io.reading",
    "read_export": "helpers.io.sources",
    "parse_number": "helpers.io.parsing",
    "parse_date": "helpers.io.parsing",
    "load_codebook": "helpers.io.codebook",
    "apply_codebook": "helpers.io.recode",
    "map_labels": "helpers.io.labels",
    "codebook_template": "helpers.io.template",
    "read_coded_segments": "helpers.io.segments",
    "load_code_codebook": "helpers.io.code_codebook",
    # survey cleaning
    "find_duplicates": "helpers.survey.duplicates",
    "resolve_duplicates": "helpers.survey.duplicates",
    "apply_corrections": "helpers.survey.corrections",
    "score_scales": "helpers.survey.scales",
    "link_records": "helpers.survey.linkage",
    # interview codes
    "normalise_codes": "helpers.qual.codes",
    "agreement_by_code": "helpers.qual.agreement",
    "code_agreement": "helpers.qual.agreement",
    "code_frequencies": "helpers.qual.frequencies",
    "cooccurrence": "helpers.qual.frequencies",
    "representative_quotes": "helpers.qual.quotes",
    "qualitative_findings": "helpers.qual.quotes",
    # the project
    "load_registry": "helpers.core.config",
    "get_region": "helpers.core.config",
    "paths": "helpers.core.config",
    "run_pipeline": "helpers.runner.run",
}

__all__ = sorted(API)


def lazy_exports(package: str) -> tuple[Any, Any, list[str]]:
    """``__getattr__``, ``__dir__`` and ``__all__`` for a subpackage: the names of :data:`API`
    its modules define, imported on first use (``from helpers.stats import estimate_effect``)."""
    names = {n: m for n, m in API.items() if m.startswith(package + ".")}

    def getattr_(name: str) -> Any:
        if name in names:
            return getattr(importlib.import_module(names[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def dir_() -> list[str]:
        return sorted(set(names) | set(vars(importlib.import_module(package))))

    return getattr_, dir_, sorted(names)


def __getattr__(name: str) -> Any:
    if name in API:
        return getattr(importlib.import_module(API[name]), name)
    if name in _SUBPACKAGES:
        return importlib.import_module(f"helpers.{name}")
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(API) | _SUBPACKAGES)
