"""Support-call enrichment: the rules (`patterns`), the text handling (`text`), the
detectors (`detect`), one call's analysis (`enrich`), its staging rows (`rows`) and the
measurement of the rules against the simulator's ground truth (`quality`)."""
