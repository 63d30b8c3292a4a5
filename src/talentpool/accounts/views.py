from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from talentpool.core.errors import ApplicationError, field_errors
from talentpool.core.permissions import require_role

from . import services
from .models import Role, User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    """The user's own password; also where ``PasswordChangeRequiredMiddleware`` sends a user whose password an
    administrator reset. The change goes through the service (audited, lifts the forced change)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        for field in form.fields.values():  # the limit stated on the field, as on every text field
            field.widget.attrs.setdefault("maxlength", "128")
        return form

    def form_valid(self, form):
        services.user_password_change(user=form.user, password=form.cleaned_data["new_password1"],
                                      request=self.request)
        update_session_auth_hash(self.request, form.user)
        return HttpResponseRedirect(self.get_success_url())


class UserForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "display_name", "email", "role", "enterprise", "scope_division",
                  "is_service_officer", "is_payment_officer", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        enterprise = self.fields["enterprise"]
        enterprise.to_field_name = "credit_code"  # picked by name, stored by its unified social credit code
        enterprise.required = False
        enterprise.help_text = gettext_lazy("Type a part of the name or the credit code and choose from the list.")
        enterprise.error_messages["invalid_choice"] = gettext_lazy(
            "No enterprise has this credit code: choose one from the list.")
        enterprise.widget = forms.TextInput(attrs={
            "placeholder": gettext_lazy("e.g. 西湖 or 91330106…"), "data-picker": reverse_lazy("registry:enterprise-pick"),
            "autocomplete": "off", "maxlength": 18})
        self.fields["scope_division"].widget.attrs.update({
            "data-picker": reverse_lazy("api:divisions"), "autocomplete": "off",
            "placeholder": gettext_lazy("e.g. 西湖 or 330106")})

    def clean(self):
        """Every role inconsistency at once, each beside its field (the service checks the same again)."""
        data = super().clean()
        probe = User(role=data.get("role") or "", scope_division=data.get("scope_division") or "",
                     enterprise=data.get("enterprise"), is_payment_officer=bool(data.get("is_payment_officer")),
                     is_service_officer=bool(data.get("is_service_officer")))
        for field, message in services.user_role_problems(probe).items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


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
    locked = services.users_locked(page)
    return render(request, "accounts/user_list.html",
                  {"page": page, "q": q, "role": role, "roles": Role.choices, "locked": locked})


def _user_form_view(request, user: User | None):
    form = UserForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.user_save(actor=request.user, user=form.save(commit=False),
                                       changed_fields=form.changed_data, request=request)
        except ApplicationError as exc:
            for field, message in field_errors(exc).items():  # every refusal beside its field
                form.add_error(field if field in form.fields else None, message)
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
@never_cache
def user_password_reset(request, pk: int):
    """The one-time password is shown once, on the page that answers the POST: never in a redirect, a message
    cookie or the session, and the page is not cached."""
    user = get_object_or_404(User, pk=pk)
    if request.method != "POST":
        return redirect("accounts:user-edit", pk=pk)
    password = services.user_password_reset(actor=request.user, user=user, request=request)
    return render(request, "accounts/password_reset_done.html", {"subject": user, "password": password})


@require_role(Role.ADMIN)
def user_unlock(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    if request.method == "POST":
        services.user_unlock(actor=request.user, user=user, request=request)
        messages.success(request, _("%(user)s can sign in again.") % {"user": user.username})
    return redirect("accounts:user-edit", pk=pk)
