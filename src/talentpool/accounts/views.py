from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from talentpool.core.errors import ApplicationError
from talentpool.core.permissions import require_role

from . import services
from .models import Role, User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class UserForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "display_name", "email", "role", "enterprise", "scope_division",
                  "is_service_officer", "is_payment_officer", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].widget = forms.TextInput(attrs={"placeholder": gettext_lazy("enterprise record no.")})
        self.fields["enterprise"].required = False


@require_role(Role.ADMIN)
def user_list(request):
    q = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    users = User.objects.select_related("enterprise").order_by("username")
    if q:
        users = users.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    if role:
        users = users.filter(role=role)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    locked = {u.pk for u in page if services.user_is_locked(u)}
    return render(request, "accounts/user_list.html",
                  {"page": page, "q": q, "role": role, "roles": Role.choices, "locked": locked})


def _user_form_view(request, user: User | None):
    form = UserForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.user_save(actor=request.user, user=form.save(commit=False),
                                       changed_fields=form.changed_data, request=request)
        except ApplicationError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("Saved %(user)s.") % {"user": saved.username})
            return redirect("accounts:user-edit", pk=saved.pk)
    locked = bool(user and services.user_is_locked(user))
    return render(request, "accounts/user_form.html", {"form": form, "subject": user, "locked": locked})


@require_role(Role.ADMIN)
def user_create(request):
    return _user_form_view(request, None)


@require_role(Role.ADMIN)
def user_edit(request, pk: int):
    return _user_form_view(request, get_object_or_404(User, pk=pk))


@require_role(Role.ADMIN)
def user_password_reset(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    if request.method != "POST":
        return redirect("accounts:user-edit", pk=pk)
    password = services.user_password_reset(actor=request.user, user=user, request=request)
    messages.success(request, _("New one-time password for %(user)s: %(pw)s") % {"user": user.username, "pw": password})
    return redirect("accounts:user-edit", pk=pk)


@require_role(Role.ADMIN)
def user_unlock(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    if request.method == "POST":
        services.user_unlock(actor=request.user, user=user, request=request)
        messages.success(request, _("%(user)s can sign in again.") % {"user": user.username})
    return redirect("accounts:user-edit", pk=pk)
