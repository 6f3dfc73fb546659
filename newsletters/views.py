"""Public pages of the newsletter: sign-up, confirmation, topics and unsubscribe, own subscriptions.

Links from mails never act on GET (mail scanners open them); they show a button that POSTs. The
one exception to CSRF protection is the RFC 8058 one-click unsubscribe, which mail providers
send without cookies: only a POST whose body is exactly `List-Unsubscribe=One-Click` skips the
check, every other POST to that address keeps it.
"""

from functools import wraps

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods
from django.views.generic import FormView, TemplateView

from strategy_portal.models import District
from strategy_portal.personal_data import addresses_of
from strategy_portal.views import DistrictMixin

from . import services
from .forms import SubscriptionForm, TopicsForm
from .models import ConsentText, Subscription, SubscriptionStatus

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
