"""Signals the registry sends for apps above it, which must not be imported here (the layer order)."""

from django.dispatch import Signal

import_finished = Signal()
"""Sent when an import job has applied its last chunk (``job``: the ImportJob, with its counts). The registry
changed behind every other app's back: recruitment rebuilds its match index, say."""
