"""Public pages of the newsletter: sign-up, confirmation, topics and unsubscribe, own subscriptions.

Links from mails never act on GET (mail scanners open them); they show a button that POSTs. The
one exception to CSRF protection is the RFC 8058 one-click unsubscribe, which mail providers
send without cookies: only a POST whose body is exactly `List-Unsubscribe=One-Click` skips the
check, every other POST to that address keeps it.
"""

from functools import wraps

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import (
    CreateView,
    DetailView,
    FormView,
    ListView,
    TemplateView,
    UpdateView,
)

from strategy_portal.districts import DistrictMixin, DistrictPermissionMixin, district_view
from strategy_portal.models import District
from strategy_portal.personal_data import addresses_of

from . import segments, services
from .forms import NewsletterForm, ScheduleForm, SubscriptionForm, TopicsForm
from .models import ConsentText, Newsletter, NewsletterStatus, Subscription, SubscriptionStatus

ONE_CLICK = ("List-Unsubscribe", ["One-Click"])


def client_ip(request) -> str | None:
    """The visitor's IP address as allauth determines it (honours the trusted-proxy setting)."""
    try:
        return get_adapter(request).get_client_ip(request)
    except Exception:  # no address known (e.g. a misconfigured proxy): store none
        return None


def is_one_click_unsubscribe(request) -> bool:
    """An RFC 8058 POST: exactly one form field, `List-Unsubscribe=One-Click`, and nothing else."""
    return (
        request.method == "POST" and not request.FILES and list(request.POST.lists()) == [ONE_CLICK]
    )


def csrf_exempt_for_one_click(view):
    """Exempt from CSRF only the one-click unsubscribe body; every other request is checked."""
    protected = csrf_protect(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if is_one_click_unsubscribe(request):
            return view(request, *args, **kwargs)
        return protected(request, *args, **kwargs)

    wrapped.csrf_exempt = True  # the middleware leaves the decision to `wrapped`
    return wrapped


# --- Sign-up --------------------------------------------------------------------------------------


class SubscribeView(DistrictMixin, FormView):
    """`/<district>/newsletter/`: the sign-up form; signed-in users subscribe with their account's
    address."""

    template_name = "newsletters/subscribe.html"
    form_class = SubscriptionForm

    @cached_property
    def consent_text(self) -> ConsentText:
        consent_text = ConsentText.objects.in_force(self.district)
        if consent_text is None:  # the migrations install a site-wide text; it was deleted
            raise Http404("No consent text is configured.")
        return consent_text

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "district": self.district,
            "consent_text": self.consent_text,
            "with_email": not self.request.user.is_authenticated,
        }

    def get_initial(self):
        user = self.request.user
        if user.is_authenticated:
            return {"name": user.display_name, "kind": user.kind}
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["consent_text"] = self.consent_text
        context["consent_markdown"] = self.consent_text.render_for(self.district)
        user = self.request.user
        if user.is_authenticated:
            context["account_address"] = user.email
            context["existing"] = (
                Subscription.objects.for_district(self.district)
                .of_user(user, addresses_of(user))
                .exclude(status=SubscriptionStatus.UNSUBSCRIBED)
                .first()
            )
        return context

    def post(self, request, *args, **kwargs):
        # Every POST counts, valid or not: the limit is on trying, not on succeeding.
        if not ratelimit.consume(request, action="newsletter_subscribe"):
            form = self.get_form()
            return self.render_to_response(
                self.get_context_data(form=form, rate_limited=True), status=429
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        common = {
            "district": self.district,
            "consent_text": self.consent_text,
            "name": data["name"],
            "topics": data["topics"],
            "kind": data["kind"],
            "ip": client_ip(self.request),
            "source_path": self.request.path,
        }
        if self.request.user.is_authenticated:
            subscription = services.subscription_opt_in(user=self.request.user, **common)
            if subscription.status == SubscriptionStatus.CONFIRMED:
                messages.success(
                    self.request,
                    _("You now receive the newsletter of %(district)s.")
                    % {"district": self.district.name},
                )
                return redirect("newsletters:mine")
        else:
            services.subscription_request(email=data["email"], **common)
        return redirect("newsletters:requested", district=self.district.slug)


class RequestedView(DistrictMixin, TemplateView):
    """The same answer for every address: new, pending, confirmed or unsubscribed."""

    template_name = "newsletters/requested.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["valid_hours"] = settings.NEWSLETTER_CONFIRMATION_HOURS
        return context


# --- Confirmation ---------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET shows what is about to be confirmed and a button; only the POST confirms."""
    check = services.confirmation_check(token)
    if check.subscription is None:
        return render(request, "newsletters/link_invalid.html", status=404)
    subscription = check.subscription
    request.district = subscription.district  # header and footer in the district's branding
    context = {"subscription": subscription, "district": subscription.district}
    if check.state != "valid":
        return render(request, f"newsletters/confirm_{check.state}.html", context)
    if request.method == "POST":
        services.subscription_confirm(subscription=subscription, ip=client_ip(request))
        return render(
            request,
            "newsletters/confirmed.html",
            {
                **context,
                "manage_url": reverse("newsletters:manage", args=[subscription.manage_token]),
            },
        )
    context["topics"] = list(subscription.topics.all())
    return render(request, "newsletters/confirm.html", context)


# --- Topics and unsubscribe -----------------------------------------------------------------------


@never_cache
@csrf_exempt_for_one_click
@require_http_methods(["GET", "POST"])
def manage(request, token):
    """Behind the link in every mail (a token that never expires): change topics or unsubscribe.

    A one-click POST (RFC 8058) unsubscribes at once. Other POSTs carry `action`: `topics` or
    `unsubscribe`.
    """
    subscription = get_object_or_404(
        Subscription.objects.select_related("district"), manage_token=token
    )
    district = subscription.district
    request.district = district
    if is_one_click_unsubscribe(request):
        services.unsubscribe(subscription=subscription)
        return render(
            request,
            "newsletters/unsubscribed.html",
            {"subscription": subscription, "district": district},
        )
    form = TopicsForm(district=district, initial={"topics": list(subscription.topics.all())})
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "unsubscribe":
            services.unsubscribe(subscription=subscription)
            return render(
                request,
                "newsletters/unsubscribed.html",
                {"subscription": subscription, "district": district},
            )
        if action == "topics" and subscription.status == SubscriptionStatus.CONFIRMED:
            form = TopicsForm(request.POST, district=district)
            if form.is_valid():
                services.subscription_update_topics(
                    subscription=subscription, topics=form.cleaned_data["topics"]
                )
                messages.success(request, _("Your topics have been saved."))
                return redirect("newsletters:manage", token=token)
    return render(
        request,
        "newsletters/manage.html",
        {"subscription": subscription, "district": district, "form": form},
    )


# --- Own subscriptions ----------------------------------------------------------------------------


class MySubscriptionsView(LoginRequiredMixin, TemplateView):
    """`/konto/newsletter/`: the newsletters of every address of the account, and the districts
    whose newsletter one can still subscribe to."""

    template_name = "newsletters/mine.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        subscriptions = list(
            Subscription.objects.of_user(user, addresses_of(user))
            .exclude(status=SubscriptionStatus.UNSUBSCRIBED)
            .select_related("district")
            .prefetch_related("topics")
            .order_by("district__name")
        )
        subscribed = {s.district_id for s in subscriptions}
        context["subscriptions"] = subscriptions
        context["districts"] = [d for d in District.objects.active() if d.pk not in subscribed]
        return context


# --- Composing and sending (workspace, district admins) -------------------------------------------

MANAGE = "newsletters.manage_newsletters"


def _newsletter(request, district, pk, **kwargs):
    return get_object_or_404(Newsletter.objects.for_district(district), pk=pk)


def _workspace_list(district):
    return redirect("newsletters:workspace", district=district.slug)


class NewsletterListView(DistrictPermissionMixin, ListView):
    permission_required = MANAGE
    template_name = "newsletters/workspace/list.html"
    context_object_name = "newsletters"

    def get_queryset(self):
        return Newsletter.objects.for_district(self.district).order_by("-created")


class NewsletterFormMixin(DistrictPermissionMixin):
    permission_required = MANAGE
    model = Newsletter
    form_class = NewsletterForm
    template_name = "newsletters/workspace/form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "district": self.district}

    def form_valid(self, form):
        if self.request.user.is_authenticated and form.instance.created_by_id is None:
            form.instance.created_by = self.request.user
        response = super().form_valid(form)
        messages.success(self.request, _("The newsletter has been saved."))
        return response

    def get_success_url(self):
        return reverse(
            "newsletters:detail", kwargs={"district": self.district.slug, "pk": self.object.pk}
        )


class NewsletterCreateView(NewsletterFormMixin, CreateView):
    pass


class NewsletterUpdateView(NewsletterFormMixin, UpdateView):
    def get_queryset(self):
        return Newsletter.objects.for_district(self.district).filter(
            status__in=[NewsletterStatus.DRAFT, NewsletterStatus.CANCELLED]
        )


class NewsletterDetailView(DistrictPermissionMixin, DetailView):
    """A newsletter in the workspace: its recipients, preview, test send, schedule or send."""

    permission_required = MANAGE
    template_name = "newsletters/workspace/detail.html"
    context_object_name = "newsletter"

    def get_queryset(self):
        return Newsletter.objects.for_district(self.district)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        newsletter = self.object
        context["recipient_count"] = services.recipient_count(newsletter)
        context["segment_label"] = segment_label(newsletter)
        context["schedule_form"] = kwargs.get("schedule_form") or ScheduleForm(
            initial={"when": newsletter.scheduled_for}
        )
        return context


def segment_label(newsletter) -> str:
    try:
        segment = segments.get_segment(newsletter.segment)
    except segments.SegmentError:
        return ""
    if segment.choices is None:
        return str(segment.label)
    chosen = dict(segment.choices(newsletter.district)).get(newsletter.segment_value, "–")
    return f"{segment.label}: {chosen}"


@require_GET
@district_view(MANAGE)
def recipient_count(request, district):
    """The live count beside the recipients field (htmx): `?recipients=key[:value]`."""
    segment, _sep, value = request.GET.get("recipients", "all").partition(":")
    try:
        count = segments.recipients(district=district, segment=segment, value=value).count()
    except segments.SegmentError:
        count = 0
    return render(request, "newsletters/workspace/_count.html", {"count": count})


@require_GET
@district_view(MANAGE, fn=_newsletter)
def recipient_list(request, district, pk):
    newsletter = _newsletter(request, district, pk)
    if newsletter.status in (NewsletterStatus.SENDING, NewsletterStatus.SENT):
        rows = newsletter.deliveries.order_by("email").values_list("email", "status")
        recipients = [{"email": email, "status": status} for email, status in rows]
    else:
        try:
            rows = segments.recipients(
                district=district, segment=newsletter.segment, value=newsletter.segment_value
            ).order_by("email")
        except segments.SegmentError:
            rows = Subscription.objects.none()
        recipients = [{"email": s.email, "name": s.name} for s in rows.only("email", "name")]
    return render(
        request,
        "newsletters/workspace/recipients.html",
        {"district": district, "newsletter": newsletter, "recipients": recipients},
    )


@require_GET
@district_view(MANAGE, fn=_newsletter)
def preview(request, district, pk):
    """The HTML part (in a frame) and the text part, exactly as a recipient gets them."""
    newsletter = _newsletter(request, district, pk)
    renderer = services.NewsletterRenderer(newsletter)
    rendered = renderer.render(
        email=request.user.email, manage_link=services.preview_link(district)
    )
    return render(
        request,
        "newsletters/workspace/preview.html",
        {
            "district": district,
            "newsletter": newsletter,
            "rendered": rendered,
            "sender": renderer.sender,
        },
    )


@require_GET
@xframe_options_sameorigin
@csp_replace(
    {
        "default-src": [NONE],
        "style-src": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", settings.SITE_URL],
        "frame-ancestors": [SELF],
        "script-src": [NONE],
        "form-action": [NONE],
    }
)
@district_view(MANAGE, fn=_newsletter)
def preview_html(request, district, pk):
    """The HTML part alone, for the preview's frame: mail HTML needs inline styles, so this page
    gets a policy of its own that allows them and nothing else (no scripts, no forms)."""
    newsletter = _newsletter(request, district, pk)
    rendered = services.NewsletterRenderer(newsletter).render(
        email=request.user.email, manage_link=services.preview_link(district)
    )
    return HttpResponse(rendered.html)


@require_POST
@district_view(MANAGE, fn=_newsletter)
def test_send(request, district, pk):
    """„Testversand an mich“: to the signed-in admin's own address."""
    newsletter = _newsletter(request, district, pk)
    services.newsletter_test_send(newsletter=newsletter, to=request.user.email)
    messages.success(
        request,
        _("A test mail is on its way to %(email)s.") % {"email": request.user.email},
    )
    return redirect("newsletters:detail", district=district.slug, pk=pk)


@require_POST
@district_view(MANAGE, fn=_newsletter)
def send(request, district, pk):
    """Schedule or send now: the first POST shows the confirmation, the confirmed one acts."""
    newsletter = _newsletter(request, district, pk)
    form = ScheduleForm(request.POST)
    view = NewsletterDetailView(request=request, kwargs={"district": district.slug, "pk": pk})
    view.district, view.object, view.args = district, newsletter, ()

    def again(error=None):
        if error:
            form.add_error(None, error)
        return view.render_to_response(view.get_context_data(schedule_form=form), status=400)

    if not form.is_valid():
        return again()
    mode, when = form.cleaned_data["mode"], form.cleaned_data["when"]
    count = services.recipient_count(newsletter)
    if request.POST.get("confirmed") != "1":
        try:
            services.check_sendable(newsletter)
        except services.SendError as error:
            return again(error.message)
        return render(
            request,
            "newsletters/workspace/confirm_send.html",
            {
                "district": district,
                "newsletter": newsletter,
                "mode": mode,
                "when": when,
                "count": count,
                "segment_label": segment_label(newsletter),
            },
        )
    try:
        if mode == "schedule":
            services.newsletter_schedule(newsletter=newsletter, when=when)
            messages.success(request, _("The newsletter has been scheduled."))
            return redirect("newsletters:detail", district=district.slug, pk=pk)
        services.newsletter_send_now(newsletter=newsletter)
    except services.SendError as error:
        return again(error.message)
    return redirect("newsletters:progress", district=district.slug, pk=pk)


@require_POST
@district_view(MANAGE, fn=_newsletter)
def cancel(request, district, pk):
    newsletter = _newsletter(request, district, pk)
    if services.newsletter_cancel(newsletter=newsletter):
        messages.success(request, _("The scheduled send has been cancelled."))
    else:
        messages.error(request, _("The newsletter was not scheduled any more."))
    return redirect("newsletters:detail", district=district.slug, pk=pk)


@require_GET
@district_view(MANAGE, fn=_newsletter)
def progress(request, district, pk):
    """Sent / failed / pending while it runs (htmx polls the partial), then the report."""
    newsletter = Newsletter.objects.for_district(district).with_delivery_counts().get(pk=pk)
    context = {"district": district, "newsletter": newsletter}
    if request.htmx:
        return render(request, "newsletters/workspace/_progress.html", context)
    return render(request, "newsletters/workspace/progress.html", context)


# --- Archive (public) -----------------------------------------------------------------------------


class ArchiveView(DistrictMixin, ListView):
    template_name = "newsletters/archive.html"
    context_object_name = "newsletters"
    paginate_by = 20

    def get_queryset(self):
        return Newsletter.objects.for_district(self.district).sent().order_by("-finished_at")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for newsletter in context["newsletters"]:
            # As in the mail and on the newsletter's own page.
            newsletter.display_subject = services.german_typography(newsletter.subject)
        return context


class ArchiveDetailView(DistrictMixin, DetailView):
    template_name = "newsletters/archive_detail.html"
    context_object_name = "newsletter"

    def get_queryset(self):
        return Newsletter.objects.for_district(self.district).sent()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        newsletter = self.object
        context["body"] = services.german_typography(newsletter.body)
        context["subject"] = services.german_typography(newsletter.subject)
        return context
