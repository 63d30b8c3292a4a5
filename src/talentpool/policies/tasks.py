"""Background tasks of policies, defined beside their work (``checks``) and named here for callers that look for
an app's tasks: a draft's heavy checks. Safe to run twice (a check already claimed is left as it is)."""

from __future__ import annotations

from .checks import policy_check_task

__all__ = ["policy_check_task"]
