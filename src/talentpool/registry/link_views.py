"""Pickers and account links: the administrator finds an account's registry record or enterprise by name or ID
number (never by an internal record number), and pickers on forms look enterprises up as one types."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from talentpool.accounts.models import Role, User
from talentpool.core.audit import audit_read
from talentpool.core.errors import ApplicationError
from talentpool.core.models import AuditAction
from talentpool.core.permissions import require_role
from talentpool.reference.selectors import division_name

from . import selectors, services
from .models import Talent


@require_role(Role.ADMIN, Role.OFFICER)
def enterprise_pick(request):
    """``[{"value": credit code, "label": name · district}]`` for a ``data-picker`` input."""
    rows = selectors.enterprise_pick(user=request.user, q=request.GET.get("q", "")[:60])
    return JsonResponse([{"value": e.credit_code, "label": f"{e.name} · {division_name(e.division) or e.division}"}
                         for e in rows], safe=False)


@require_role(Role.ADMIN, Role.OFFICER)
def talent_pick(request):
    """``[{"value": "李明 330106********1234", "label": "李明 · 330106********1234 · 西湖区"}]``: a person chosen by
    name and masked ID number (what the audit filter and the ticket form read back), never by record number;
    an officer finds the people of their scope."""
    q = request.GET.get("q", "")[:40].strip()
    found = selectors.talent_pick(user=request.user, q=q)
    if found:
        audit_read(request, action=AuditAction.SEARCH_REGISTRY, target="picker",
                   detail={"event": "talent_pick", "found": len(found)})
    return JsonResponse([{"value": f"{t.name} {t.id_masked}",
                          "label": f"{t.name} · {t.id_masked} · {division_name(t.district) or t.district}"}
                         for t in found], safe=False)


@require_role(Role.ADMIN)
def account_link(request, pk: int):
    account = get_object_or_404(User, pk=pk)
    if request.method == "POST":
        talent = get_object_or_404(Talent, pk=request.POST.get("talent") or 0)
        try:
            services.talent_account_link(actor=request.user, talent=talent, user=account, request=request)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Linked the account %(account)s to the record of %(name)s (%(id)s).")
                             % {"account": account.username, "name": talent.name, "id": talent.id_masked})
            return redirect("accounts:user-edit", pk=account.pk)
    q = request.GET.get("q", "")[:40].strip()
    found = selectors.talent_pick_for_account(user=request.user, q=q) if account.role == Role.TALENT else []
    if q:
        audit_read(request, action=AuditAction.SEARCH_REGISTRY, target=f"user:{account.pk}",
                   detail={"event": "account_link_search", "found": len(found)})
    linked = Talent.objects.filter(user=account).only("id", "name", "id_masked").first()
    return render(request, "registry/account_link.html",
                  {"account": account, "q": q, "found": found, "linked": linked})
