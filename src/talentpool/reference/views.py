from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from talentpool.accounts.models import Role
from talentpool.core.errors import ApplicationError
from talentpool.core.permissions import require_role

from .selectors import reference_status
from .services import TABLES, reference_load_tables


@require_role(Role.ADMIN)
def source_list(request):
    """Each shipped table with its source, version, rows and load time, and whether the release ships newer data."""
    statuses = reference_status()
    return render(
        request,
        "reference/source_list.html",
        {
            "sources": statuses,
            "outdated": [s for s in statuses if not s.up_to_date],
        },
    )


@require_role(Role.ADMIN)
@require_POST
def source_load(request):
    """Load or update the reference tables from the files this release ships (all, or the one named ``only``)."""
    only = [k for k in request.POST.getlist("only") if k]
    try:
        results = reference_load_tables(only=only or None, actor=request.user, request=request)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("reference:source-list")
    for r in results:
        messages.success(
            request,
            _("%(table)s: %(rows)d rows (%(new)d new, %(updated)d updated, %(removed)d removed).")
            % {
                "table": TABLES[r.key].label,
                "rows": r.rows,
                "new": r.created,
                "updated": r.updated,
                "removed": r.deleted,
            },
        )
    return redirect("reference:source-list")
