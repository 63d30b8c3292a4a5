"""Language helpers every layer may use."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language


def bilingual(obj: Any, field: str = "") -> str:
    """The Chinese or English side of a bilingual text in the active language: an object with ``<field>_zh`` /
    ``<field>_en``, or an object or dict with ``zh`` / ``en``. Falls back to Chinese."""
    side = "en" if (get_language() or "").startswith("en") else "zh"
    if obj is None:
        return ""
    if field:
        return getattr(obj, f"{field}_{side}", "") or getattr(obj, f"{field}_zh", "")
    if isinstance(obj, dict):
        return obj.get(side) or obj.get("zh", "")
    return getattr(obj, side, "") or getattr(obj, "zh", "")
