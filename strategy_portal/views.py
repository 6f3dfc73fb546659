"""Pages of the ground floor: landing, district home, legal pages, account data, workspace."""

import copy
import logging

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import FormView, ListView, TemplateView, UpdateView

from . import easy_language, services
from .districts import DistrictMixin, DistrictPermissionMixin, district_view
from .forms import (
    AccountDeleteForm,
    DistrictSettingsForm,
    InvitationForm,
    MembershipRoleForm,
    ProfileForm,
)
from .models import (
    ActionField,
    District,
    Invitation,
    InvitationStatus,
    Membership,
    Role,
    SiteProfile,
)

logger = logging.getLogger(__name__)


def team_context(district: District) -> dict:
    team = list(Membership.objects.for_district(district).select_related("user"))
    invitations = Invitation.objects.for_district(district).open().select_related("invited_by")
    return {
        "team": team,
        "admin_count": sum(m.role == Role.ADMIN for m in team),
        "invitations": invitations,
        "roles": Role.choices,
    }


# --- Public pages ---------------------------------------------------------------------------------


class LandingView(ListView):
    template_name = "strategy_portal/landing.html"
    context_object_name = "districts"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return context

    def get_queryset(self):
        return District.objects.active().annotate(
            action_field_count=Count(
                "strategy_portal_actionfield",
                filter=Q(strategy_portal_actionfield__is_cross_cutting=False),
            )
        )


class DistrictHomeView(DistrictMixin, TemplateView):
    template_name = "strategy_portal/district_home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_fields"] = ActionField.objects.for_district(self.district)
        return context


class LegalPageView(TemplateView):
    """Impressum, Datenschutz, Barrierefreiheit, Leichte Sprache: of a district, or of the site
    operator."""

    template_name = "strategy_portal/legal_page.html"
    page = ""  # imprint | privacy_policy | accessibility_statement | easy_language

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        titles = {
            "imprint": _("Imprint"),
            "privacy_policy": _("Privacy policy"),
            "accessibility_statement": _("Accessibility statement"),
            "easy_language": _("Easy language"),
        }
        owner = getattr(self, "district", None) or SiteProfile.load()
        if self.page == "easy_language":
            body = easy_language.page_text(owner)
        else:
            body = getattr(owner, self.page)
        context.update(title=titles[self.page], body=body, owner=owner)
        return context


class DistrictLegalPageView(DistrictMixin, LegalPageView):
    pass


class SignLanguagePageView(TemplateView):
    """The explanation in German Sign Language: a video the site serves itself, and its content
    in writing."""

    template_name = "strategy_portal/sign_language.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        district = getattr(self, "district", None)
        owner = district or SiteProfile.load()
        video = owner.sign_language_video
        video_type = ""
        if video:
            video_type = "video/webm" if video.name.lower().endswith(".webm") else "video/mp4"
        context.update(
            owner=owner,
            video=video,
            video_type=video_type,
            contact_email=owner.contact_email,
            contact_phone=getattr(district, "contact_phone", ""),
            easy_language_url=(
                reverse("easy_language", args=[district.slug])
                if district
                else reverse("site_easy_language")
            ),
            imprint_url=(
                reverse("imprint", args=[district.slug]) if district else reverse("site_imprint")
            ),
        )
        return context


class DistrictSignLanguagePageView(DistrictMixin, SignLanguagePageView):
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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sole_admin_of"] = District.objects.sole_admin_of(self.request.user)
        return context

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


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def membership_leave(request, pk):
    """A member gives up their own role; GET asks, POST acts."""
    membership = get_object_or_404(
        Membership.objects.select_related("district"), pk=pk, user=request.user
    )
    if request.method == "POST":
        try:
            services.membership_remove(membership=membership)
        except services.LastAdminError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("You no longer have the role “%(role)s” in %(district)s.")
                % {"role": membership.get_role_display(), "district": membership.district.name},
            )
        return redirect("profile")
    sole_admin = services.leaves_without_admin(
        district=membership.district, leaving=[membership.pk]
    )
    return render(
        request,
        "strategy_portal/membership_leave.html",
        {"membership": membership, "sole_admin": sole_admin},
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request, token):
    """The page an invitation mail links to. GET only shows it (mail scanners open links);
    POST accepts – signed in with the invited, confirmed address – or declines."""
    invitation = Invitation.objects.for_token(token).select_related("district").first()
    if invitation is None:
        return render(request, "strategy_portal/invitation.html", {"status": None}, status=404)
    if invitation.district.is_active:
        request.district = invitation.district
    context = {"invitation": invitation, "status": invitation.status, "token": token}
    user = request.user
    if user.is_authenticated:
        context["owns_address"] = services.owns_address(user, invitation.email)
    if invitation.status != InvitationStatus.OPEN:
        return render(request, "strategy_portal/invitation.html", context, status=410)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "decline":
            services.invitation_decline(invitation=invitation)
            messages.info(request, _("You have declined the invitation."))
            return redirect("invitation", token=token)
        if action == "accept":
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            try:
                membership = services.invitation_accept(invitation=invitation, user=user)
            except services.InvitationError as error:
                status = 403 if error.code == "address" else 410
                return render(request, "strategy_portal/invitation.html", context, status=status)
            messages.success(
                request,
                _("Welcome to the team of %(district)s: you are now “%(role)s”.")
                % {"district": membership.district.name, "role": membership.get_role_display()},
            )
            if membership.district.is_active:
                return redirect("workspace", district=membership.district.slug)
            return redirect("profile")
    return render(request, "strategy_portal/invitation.html", context)


# --- Workspace ------------------------------------------------------------------------------------


class WorkspaceView(DistrictPermissionMixin, TemplateView):
    permission_required = "strategy_portal.view_workspace"
    template_name = "strategy_portal/workspace/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["team"] = Membership.objects.for_district(self.district).select_related("user")
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
    form_class = InvitationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "district": self.district}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **team_context(self.district)}

    def form_valid(self, form):
        services.invitation_create(
            district=self.district,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            organisation=form.cleaned_data["organisation"],
            invited_by=self.request.user,
        )
        messages.success(
            self.request,
            _(
                "An invitation has been sent to %(email)s. The person joins the team once they "
                "accept it."
            )
            % {"email": form.cleaned_data["email"]},
        )
        return redirect("workspace_team", district=self.district.slug)


def _team_response(request, district: District, *, left: bool = False):
    """After a change on the team page: the team list (htmx) or the page again. Whoever gave up
    their own admin role has no access to it any more and goes to the district's home."""
    if left and not request.user.is_superuser:
        destination = district.get_absolute_url()
        if request.htmx:
            return HttpResponse(headers={"HX-Redirect": destination})
        return redirect(destination)
    if request.htmx:
        return render(
            request,
            "strategy_portal/workspace/_team_list.html",
            {"district": district, **team_context(district)},
        )
    return redirect("workspace_team", district=district.slug)


@require_POST
@district_view("strategy_portal.manage_team")
def team_remove(request, district, pk):
    membership = get_object_or_404(Membership.objects.for_district(district), pk=pk)
    try:
        services.membership_remove(membership=membership)
    except services.LastAdminError as error:
        messages.error(request, error.message)
        return _team_response(request, district)
    messages.success(
        request, _("%(email)s was removed from the team.") % {"email": membership.user.email}
    )
    return _team_response(request, district, left=membership.user_id == request.user.pk)


@require_POST
@district_view("strategy_portal.manage_team")
def team_role(request, district, pk):
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, district=district
    )
    form = MembershipRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose one of the roles."))
        return _team_response(request, district)
    try:
        services.membership_set_role(membership=membership, role=form.cleaned_data["role"])
    except services.LastAdminError as error:
        messages.error(request, error.message)
        return _team_response(request, district)
    messages.success(
        request,
        _("%(email)s is now “%(role)s”.")
        % {"email": membership.user.email, "role": membership.get_role_display()},
    )
    left = membership.user_id == request.user.pk and membership.role != Role.ADMIN
    return _team_response(request, district, left=left)


@require_POST
@district_view("strategy_portal.manage_team")
def invitation_withdraw(request, district, pk):
    invitation = get_object_or_404(Invitation.objects.for_district(district).open(), pk=pk)
    services.invitation_withdraw(invitation=invitation)
    messages.success(
        request,
        _("The invitation to %(email)s has been withdrawn.") % {"email": invitation.email},
    )
    return _team_response(request, district)


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


def page_not_found(request, exception):
    """The 404 page; under a district's address it is drawn in the district's branding."""
    if getattr(request, "district", None) is None:
        slug = request.path_info.strip("/").split("/", 1)[0]
        if slug:
            district = District.objects.active().filter(slug=slug).first()
            if district is not None:
                request.district = district
    return defaults.page_not_found(request, exception)


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
