"""Pages of the ground floor: landing, district home, legal pages, account data, workspace."""

import copy
import logging

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView, ListView, TemplateView, UpdateView
from rules.contrib.views import PermissionRequiredMixin, permission_required

from . import services
from .forms import AccountDeleteForm, DistrictSettingsForm, MembershipAddForm, ProfileForm
from .models import ActionField, District, Membership, Role, SiteProfile

logger = logging.getLogger(__name__)


# --- Mixins ---------------------------------------------------------------------------------------


class DistrictMixin:
    """Resolves the district from the URL (`<slug:district>`); 404 for unknown or unpublished."""

    def dispatch(self, request, *args, **kwargs):
        self.district = district_from(request, kwargs["district"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs["district"] = self.district  # replaces the slug from the URL
        return super().get_context_data(**kwargs)


class DistrictPermissionMixin(DistrictMixin, PermissionRequiredMixin):
    """Anonymous visitors are sent to login; signed-in users without the role get 403."""

    def get_permission_object(self):
        return self.district


def team_context(district: District) -> dict:
    team = list(Membership.objects.filter(district=district).select_related("user"))
    return {"team": team, "admin_count": sum(m.role == Role.ADMIN for m in team)}


def district_from(request, slug: str) -> District:
    """The published district of the URL, kept on the request for the header and footer."""
    district = District.objects.get_by_slug_or_404(slug)
    request.district = district
    return district


# --- Public pages ---------------------------------------------------------------------------------


class LandingView(ListView):
    template_name = "strategy_portal/landing.html"
    context_object_name = "districts"

    def get_queryset(self):
        return District.objects.active().annotate(
            action_field_count=Count("actionfields", filter=Q(actionfields__is_cross_cutting=False))
        )


class DistrictHomeView(DistrictMixin, TemplateView):
    template_name = "strategy_portal/district_home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_fields"] = ActionField.objects.for_district(self.district)
        return context


class LegalPageView(TemplateView):
    """Impressum, Datenschutz, Barrierefreiheit: of a district, or of the site operator."""

    template_name = "strategy_portal/legal_page.html"
    page = ""  # imprint | privacy_policy | accessibility_statement

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        titles = {
            "imprint": _("Imprint"),
            "privacy_policy": _("Privacy policy"),
            "accessibility_statement": _("Accessibility statement"),
        }
        district = getattr(self, "district", None)
        owner = district or SiteProfile.load()
        context.update(title=titles[self.page], body=getattr(owner, self.page), owner=owner)
        return context


class DistrictLegalPageView(DistrictMixin, LegalPageView):
    pass


# --- Account --------------------------------------------------------------------------------------


class ProfileView(LoginRequiredMixin, UpdateView):
    template_name = "strategy_portal/profile.html"
    form_class = ProfileForm
    success_url = reverse_lazy("profile")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        messages.success(self.request, _("Your profile has been saved."))
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = self.request.user.memberships.select_related("district")
        context["primary_email"] = EmailAddress.objects.filter(
            user=self.request.user, primary=True
        ).first()
        return context


class PersonalDataView(LoginRequiredMixin, FormView):
    """Download everything we hold (JSON) or delete the account."""

    template_name = "strategy_portal/personal_data.html"
    form_class = AccountDeleteForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        services.account_delete(user=self.request.user)
        logout(self.request)
        messages.success(
            self.request,
            _(
                "Your account has been deleted. "
                "Your public contributions remain, without your name."
            ),
        )
        return redirect("landing")


@never_cache
@login_required
@require_GET
def personal_data_export(request):
    document = services.account_export(user=request.user)
    filename = f"strategieportal-daten-{timezone.localdate():%Y-%m-%d}.json"
    response = HttpResponse(document, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Workspace ------------------------------------------------------------------------------------


class WorkspaceView(DistrictPermissionMixin, TemplateView):
    permission_required = "strategy_portal.view_workspace"
    template_name = "strategy_portal/workspace/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["team"] = Membership.objects.filter(district=self.district).select_related("user")
        context["action_fields"] = ActionField.objects.for_district(self.district)
        return context


class DistrictSettingsView(DistrictPermissionMixin, UpdateView):
    permission_required = "strategy_portal.change_district"
    template_name = "strategy_portal/workspace/settings.html"
    form_class = DistrictSettingsForm

    def get_object(self, queryset=None):
        # A copy: an invalid form must not change the header drawn from `request.district`.
        return copy.copy(self.district)

    def get_success_url(self):
        return reverse("workspace_settings", kwargs={"district": self.district.slug})

    def form_valid(self, form):
        messages.success(self.request, _("The settings of the district have been saved."))
        return super().form_valid(form)


class TeamView(DistrictPermissionMixin, FormView):
    permission_required = "strategy_portal.manage_team"
    template_name = "strategy_portal/workspace/team.html"
    form_class = MembershipAddForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "district": self.district}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **team_context(self.district)}

    def form_valid(self, form):
        services.membership_add(
            district=self.district,
            user=form.user,
            role=form.cleaned_data["role"],
            organisation=form.cleaned_data["organisation"],
        )
        messages.success(
            self.request,
            _("%(email)s now belongs to the team.") % {"email": form.user.email},
        )
        return redirect("workspace_team", district=self.district.slug)


@require_POST
@login_required
# Signed-in users without the role get 403 (as on the class-based pages), not a login redirect.
@permission_required(
    "strategy_portal.manage_team",
    fn=lambda request, district, pk: district_from(request, district),
    raise_exception=True,
)
def team_remove(request, district, pk):
    district_obj = request.district
    membership = get_object_or_404(Membership, pk=pk, district=district_obj)
    removed = services.membership_remove(membership=membership)
    if removed:
        messages.success(
            request, _("%(email)s was removed from the team.") % {"email": membership.user.email}
        )
    else:
        messages.error(request, _("The last district administrator cannot be removed."))
    if removed and membership.user_id == request.user.pk and not request.user.is_superuser:
        # Whoever removed themselves has no access to the team page any more.
        destination = district_obj.get_absolute_url()
        if request.htmx:
            return HttpResponse(headers={"HX-Redirect": destination})
        return redirect(destination)
    if request.htmx:
        return render(
            request,
            "strategy_portal/workspace/_team_list.html",
            {"district": district_obj, **team_context(district_obj)},
        )
    return redirect("workspace_team", district=district_obj.slug)


# --- Health and errors ----------------------------------------------------------------------------


def _check(fn) -> str:
    try:
        fn()
    except Exception as exc:  # report, never raise: this is what the probe is for
        # The details (host names, ports) go to the log, not to anonymous visitors.
        logger.exception("Health check %s failed", fn.__name__)
        return f"error: {type(exc).__name__}"
    return "ok"


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache():
    # The default cache falls back to memory when Redis is down; ask the shared cache itself.
    shared = getattr(cache, "shared", cache)
    key = "healthz"
    shared.set(key, "1", 10)
    if shared.get(key) != "1":
        raise RuntimeError("cache did not return the value it stored")


def _check_broker():
    from .celery import app

    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _check(_check_database), "cache": _check(_check_cache)}
    if settings.CELERY_BROKER_URL:
        checks["broker"] = _check(_check_broker)
    else:
        checks["broker"] = "ok"
    healthy = all(value == "ok" for value in checks.values())
    body = {
        "status": "ok" if healthy else "error",
        **checks,
        "tasks": "broker" if settings.CELERY_BROKER_URL else "in-process",
    }
    return JsonResponse(body, status=200 if healthy else 503)


def csrf_failure(request, reason=""):
    response = render(request, "403_csrf.html", status=403)
    return response


def bad_request(request, exception=None):
    """400 in the site's design: a request body above the limit, a host name the site does not
    serve. Rendered without a district, and without asking the request for its host."""
    try:
        return render(request, "400.html", status=400)
    except Exception:
        logger.exception("The error page itself failed to render")
        return HttpResponseBadRequest(
            "Ungültige Anfrage / Bad request", content_type="text/plain; charset=utf-8"
        )


def server_error(request):
    try:
        template = loader.get_template("500.html")
        return HttpResponseServerError(template.render({"request": request}))
    except Exception:
        logger.exception("The error page itself failed to render")
        return HttpResponseServerError(
            "Interner Fehler / Internal server error", content_type="text/plain"
        )
