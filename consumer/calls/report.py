"""Plain-text quality reports: one table of figures per transcript format, then the
confusion matrices of conversion and sentiment for each format."""

from __future__ import annotations

from collections import Counter

from consumer.calls.scoring import CONVERTED, NOT_CONVERTED, QualityReport

_CONVERSION_ORDER = (NOT_CONVERTED, CONVERTED, "booking", "purchase", "signup", "upsell")
_SENTIMENT_ORDER = ("negative", "neutral", "positive")


def format_table(title: str, reports: dict[str, QualityReport], *, misses: bool = False) -> str:
    """Figures per format (the key "all" last), then each format's confusion matrices."""
    keys = sorted(reports, key=lambda k: (k == "all", k))
    lines = [
        title,
        "",
        f"{'format':<12}{'calls':>6}{'conv P':>8}{'conv R':>8}{'conv F1':>8}"
        f"{'upsells':>8}{'amt exact':>10}{'false ups':>10}{'product':>9}{'sentiment':>10}",
    ]
    for key in keys:
        r = reports[key]
        d = r.detection("conversion")
        lines.append(
            f"{key:<12}{r.calls:>6}{d.precision:>8.3f}{d.recall:>8.3f}{d.f1:>8.3f}"
            f"{r.true_upsells:>8}{r.amount_exact_share:>10.3f}{r.false_upsell_share:>10.3f}"
            f"{r.product_exact_share:>9.3f}{r.sentiment_accuracy:>10.3f}"
        )
    for key in keys:
        r = reports[key]
        lines += ["", f"[{key}] conversion, true (rows) x found (columns)"]
        lines += _matrix(r.conversion_confusion, _CONVERSION_ORDER)
        lines += [f"[{key}] sentiment, true (rows) x found (columns)"]
        lines += _matrix(r.sentiment_confusion, _SENTIMENT_ORDER)
        if misses and r.misses and key != "all":
            lines.append(f"[{key}] scored wrong: " + ", ".join(r.misses[:40]))
    return "\n".join(lines)


def _matrix(confusion: Counter[tuple[str, str]], order: tuple[str, ...]) -> list[str]:
    seen = {label for pair in confusion for label in pair}
    labels = [label for label in order if label in seen] + sorted(seen.difference(order))
    rows = [" " * 12 + "".join(f"{label:>10}" for label in labels)]
    for true in labels:
        counts = "".join(f"{confusion[(true, found)]:>10}" for found in labels)
        rows.append(f"{true:>12}{counts}")
    return rows


def format_report(report: QualityReport, *, seed: int) -> str:
    """One report's figures (the simulator's over all formats), for assertion messages."""
    lines = [f"{report.calls} simulated support calls, seed {seed}", ""]
    lines.append(f"{'detection':<12}{'precision':>11}{'recall':>9}{'F1':>8}  tp / fp / fn")
    for name in ("conversion", "upsell"):
        d = report.detection(name)
        lines.append(
            f"{name:<12}{d.precision:>11.4f}{d.recall:>9.4f}{d.f1:>8.4f}  "
            f"{d.true_positives} / {d.false_positives} / {d.false_negatives}"
        )
    lines += [
        "",
        f"upsell amounts exact:    {report.amount_exact_share:.4f}"
        f"  ({report.amounts_exact} of {report.true_upsells} true upsells)",
        f"false upsells:           {report.false_upsell_share:.4f}",
        f"upsell products exact:   {report.product_exact_share:.4f}",
        f"sentiment accuracy:      {report.sentiment_accuracy:.4f}",
        f"agent names consistent:  {report.agent_name_consistency:.4f}",
    ]
    return "\n".join(lines)
