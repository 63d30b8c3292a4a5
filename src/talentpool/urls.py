from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from talentpool.api import api, not_found

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("accounts/", include("talentpool.accounts.urls")),
    path("registry/", include("talentpool.registry.urls")),
    path("reference/", include("talentpool.reference.urls")),
    path("policies/", include("talentpool.eligibility.urls")),  # before policies: its <code>/ takes any name
    path("policies/", include("talentpool.policies.urls")),
    path("payments/", include("talentpool.payments.urls")),
    path("recruitment/", include("talentpool.recruitment.urls")),
    path("fairs/", include("talentpool.fairs.urls")),
    path("services/", include("talentpool.servicedesk.urls")),
    path("bookings/", include("talentpool.bookings.urls")),
    path("insights/", include("talentpool.insights.urls")),
    path("", include("talentpool.core.urls")),
    path("", include("talentpool.web.urls")),
]
handler404 = not_found

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
