"""Layer 3, the analysis steps a notebook calls: a region's cleaning (notebook 01), codes (02),
effects (03), the report's descriptives, narrative and figures (04), the synthesis (05), the
provenance of a build and the disclosure scan of its outputs."""
