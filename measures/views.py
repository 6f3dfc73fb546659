"""The public pages of measures: list, propose, the measure with its thread, and the small POST
actions (support, follow, comment, flag). Every action works without JavaScript (a POST and a
redirect back to the place it came from); with htmx, support and follow swap their button in
place, a comment or reply swaps the thread, and the list updates without a reload. The measure
page shows its comment threads a page at a time (`?kommentare=<n>`); with htmx, "more comments"
appends the next page in place. What an htmx action did is said in the page's polite live region
(`#messages`, swapped out of band), so that screen-reader users hear it; focus stays on the
button, or moves to the new comment (or the first one loaded).

Writes go through `measures.services`, which check permissions again; a `ValidationError` from a
service becomes a message on the form field it names.
"""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Subquery
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from strategy_portal.districts import district_view

from . import services
from .filters import MeasureFilter
from .forms import (
    CommentEditForm,
    CommentForm,
    FlagForm,
    MeasureForm,
    NotificationSettingsForm,
    ProposeForm,
    WithdrawForm,
)
from .models import (
    COMMENTS_PAGE_PARAM,
    Comment,
    Follow,
    Measure,
    NotificationSettings,
    Steckbrief,
    Support,
    tags_in_use,
)
from .notifications import read_unsubscribe_token
from .permissions import is_participant
from .provenance import provenance_of

PAGE_SIZE = 20
MAX_COMMENTS_PAGE = 100_000
TAG_SUGGESTIONS = 50
# The suggestions only help to type a tag; a minute late is fine, and it saves every list page an
# aggregate over all the district's tagged measures.
TAG_SUGGESTIONS_SECONDS = 60


def tag_suggestions(district) -> list[str]:
    """The names of the district's most used tags, for the tag fields' suggestions (cached)."""
    key = f"measures:tag-suggestions:{district.pk}"
    names = cache.get(key)
    if names is None:
        names = list(tags_in_use(district).values_list("name", flat=True)[:TAG_SUGGESTIONS])
        cache.set(key, names, TAG_SUGGESTIONS_SECONDS)
    return names


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field if the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _measure_of(district, pk):
    return get_object_or_404(
        Measure.objects.for_district(district).select_related(
            "district", "author", "action_field", "mission"
        ),
        pk=pk,
    )


def _measure_for(request, district, pk, **kwargs):
    """The measure of a URL, for a permission check by `district_view`."""
    return _measure_of(district, pk)


def _comment_for(request, district, pk, **kwargs):
    return get_object_or_404(
        Comment.objects.select_related("measure", "measure__district", "author"),
        pk=pk,
        measure__district=district,
    )


# --- List -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
@district_view
def measure_list(request, district):
    user = request.user
    measures = Measure.objects.for_district(district).visible_to(user).for_list(user)
    measure_filter = MeasureFilter(request.GET or None, queryset=measures, district=district)
    paginator = Paginator(measure_filter.sorted_qs(), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "district": district,
        "filter": measure_filter,
        "page": page,
        "query": query.urlencode(),
        "tag_suggestions": tag_suggestions(district),
        "can_propose": user.has_perm("measures.propose_measure", district),
    }
    if request.htmx and request.htmx.target == "measure-results":
        return render(request, "measures/_results.html", context)
    return render(request, "measures/list.html", context)


# --- Propose, edit, withdraw ----------------------------------------------------------------------


def _form_context(district, form, **extra):
    return {
        "district": district,
        "form": form,
        "tag_suggestions": tag_suggestions(district),
        **extra,
    }


@require_http_methods(["GET", "HEAD", "POST"])
@district_view("measures.propose_measure")
def measure_propose(request, district):
    """Write, preview, publish. The preview shows the measure as it will look, with the form's
    values carried in hidden fields; "Change" goes back to the form with them."""
    if request.method != "POST":
        form = ProposeForm(district=district)
        return render(request, "measures/form.html", _form_context(district, form, mode="propose"))
    form = ProposeForm(request.POST, district=district)
    step = request.POST.get("step")
    if not form.is_valid() or step == "edit":
        return render(request, "measures/form.html", _form_context(district, form, mode="propose"))
    if step != "publish":
        return render(
            request,
            "measures/preview.html",
            _form_context(
                district, form, preview=form.measure_data(), tags=form.cleaned_data["tags"]
            ),
        )
    try:
        measure = services.measure_submit(
            district=district,
            author=request.user,
            tags=form.cleaned_data["tags"],
            **form.measure_data(),
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return render(request, "measures/form.html", _form_context(district, form, mode="propose"))
    messages.success(request, _("Thank you! Your proposal has been published."))
    return redirect(measure.get_absolute_url())


@require_http_methods(["GET", "HEAD", "POST"])
@district_view("measures.change_measure", fn=_measure_for)
def measure_edit(request, district, pk):
    measure = _measure_of(district, pk)
    if request.method != "POST":
        initial = {
            "title": measure.title,
            "description": measure.description,
            "added_value": measure.added_value,
            "feasibility": measure.feasibility,
            "time_horizon": measure.time_horizon,
            "success_criteria": measure.success_criteria,
            "funding_idea": measure.funding_idea,
            "action_field": measure.action_field_id,
            "tags": [tag.name for tag in measure.tags.all()],
        }
        form = MeasureForm(initial=initial, district=district)
    else:
        form = MeasureForm(request.POST, district=district)
        if form.is_valid():
            try:
                services.measure_update(
                    measure=measure,
                    user=request.user,
                    tags=form.cleaned_data["tags"],
                    **form.measure_data(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your changes have been saved."))
                return redirect(measure.get_absolute_url())
    return render(
        request,
        "measures/form.html",
        _form_context(district, form, mode="edit", measure=measure),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@district_view("measures.withdraw_measure", fn=_measure_for)
def measure_withdraw(request, district, pk):
    measure = _measure_of(district, pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_withdraw(
                measure=measure, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The measure has been withdrawn."))
            return redirect(measure.get_absolute_url())
    return render(
        request, "measures/withdraw.html", {"district": district, "measure": measure, "form": form}
    )


# --- The measure ----------------------------------------------------------------------------------


def _with_user_state(queryset, user):
    if user.is_authenticated:
        queryset = queryset.annotate(
            user_supports=Exists(Support.objects.filter(measure=OuterRef("pk"), user=user)),
            user_follows=Exists(Follow.objects.filter(measure=OuterRef("pk"), user=user)),
        )
    return queryset


def _fresh_measure(request, district, pk):
    queryset = Measure.objects.for_district(district).select_related(
        "district", "author", "recorded_by", "action_field", "merged_into"
    )
    return get_object_or_404(_with_user_state(queryset, request.user), pk=pk)


def build_thread(comments, *, user, is_team):
    """The comments as a tree of (comment, replies), with what the viewer may see and do."""
    children: dict[int | None, list] = {}
    # Every action on a comment needs a signed-in participant (see `permissions`): for anyone
    # else the rules need not be asked four times per comment of a long thread.
    may_act = is_participant(user)
    for comment in comments:
        comment.shown_hidden = comment.is_hidden and (
            is_team or (user.is_authenticated and comment.author_id == user.pk)
        )
        comment.can_edit = may_act and user.has_perm("measures.change_comment", comment)
        comment.can_delete = may_act and user.has_perm("measures.delete_comment", comment)
        comment.can_reply = may_act and user.has_perm("measures.reply_comment", comment)
        comment.can_flag = (
            may_act
            and user.has_perm("measures.flag", comment)
            and not comment.is_deleted
            and not comment.is_hidden
        )
        children.setdefault(comment.parent_id, []).append(comment)

    def branch(parent_id):
        return [{"comment": c, "replies": branch(c.pk)} for c in children.get(parent_id, [])]

    return branch(None)


def comments_page_number(value) -> int:
    """The page of comment threads a `?kommentare=` value asks for; anything else is page 1.
    Bounded, so that the database is never asked for an offset past its integers."""
    try:
        return min(max(1, int(value)), MAX_COMMENTS_PAGE)
    except (TypeError, ValueError):
        return 1


def _thread_page(measure, *, user, is_team, page: int) -> dict:
    """One page of the measure's comment threads (`Comment.THREADS_PER_PAGE` top-level comments
    with all their replies), for the measure page and the "more comments" that htmx appends. A
    page past the last shows the last. One query, whatever the number of comments: each row
    brings the number of threads along."""
    per_page = Comment.THREADS_PER_PAGE
    threads = measure.comments.threads()
    thread_count = Subquery(
        Comment.objects.filter(measure_id=measure.pk, parent__isnull=True)
        .order_by()
        .values("measure_id")
        .annotate(count=Count("pk"))
        .values("count")
    )

    def threads_on(page):
        shown = threads.values("pk")[(page - 1) * per_page : page * per_page]
        return list(
            measure.comments.in_threads(shown).annotate(thread_count=thread_count).for_thread()
        )

    page = max(1, page)
    comments = threads_on(page)
    # No row: no comments at all, or a page past the last (then the last page is shown).
    total = comments[0].thread_count if comments else (threads.count() if page > 1 else 0)
    page_count = max(1, -(-total // per_page))
    if not comments and page > page_count and total:
        page = page_count
        comments = threads_on(page)
    page = min(page, page_count)
    by_id = {comment.pk: comment for comment in comments}
    for comment in comments:
        comment.measure = measure
        comment.reply_to_comment = by_id.get(comment.reply_to_id)
    return {
        "thread": build_thread(comments, user=user, is_team=is_team),
        "thread_comment_count": len(comments),
        "comments_page": page,
        "comments_page_count": page_count,
        "comments_page_url": measure.comments_url(page),
        "comments_first_url": measure.comments_url(1),
        "comments_previous_url": measure.comments_url(page - 1) if page > 1 else None,
        "comments_next_url": measure.comments_url(page + 1) if page < page_count else None,
    }


def _measure_context(request, district, measure, *, comment_form=None, comments_page=1) -> dict:
    """What the measure page (and its thread, swapped alone by htmx) shows to this viewer."""
    user = request.user
    is_team = user.has_perm("measures.moderate", measure)
    can_view = user.has_perm("measures.view_measure", measure)
    context = {"district": district, "measure": measure, "can_view": can_view}
    if can_view:
        context.update(
            provenance=provenance_of(measure),
            tags=list(measure.tags.all()),
            status_changes=list(measure.status_changes.select_related("changed_by")),
            **_thread_page(measure, user=user, is_team=is_team, page=comments_page),
            comment_form=comment_form or CommentForm(),
            is_team=is_team,
            can_comment=user.has_perm("measures.comment_measure", measure),
            can_edit=user.has_perm("measures.change_measure", measure),
            can_withdraw=user.has_perm("measures.withdraw_measure", measure),
            can_flag=user.has_perm("measures.flag", measure),
            is_closed=not measure.is_open,
            steckbrief=Steckbrief.objects.filter(measure=measure)
            .prefetch_related("milestones")
            .first(),
            **_action_context(request, measure),
        )
    return context


def render_measure(request, district, measure, *, comment_form=None, comments_page=1, status=200):
    context = _measure_context(
        request, district, measure, comment_form=comment_form, comments_page=comments_page
    )
    return render(request, "measures/detail.html", context, status=status)


def _more_comments(request, district, measure, page):
    """The next page of threads alone, for htmx to append below those shown, with the "more"
    control that follows it and the number loaded for the live region."""
    if not request.user.has_perm("measures.view_measure", measure):
        raise Http404
    user = request.user
    context = {
        "district": district,
        "measure": measure,
        **_thread_page(
            measure, user=user, is_team=user.has_perm("measures.moderate", measure), page=page
        ),
    }
    count = context["thread_comment_count"]
    messages.info(
        request,
        ngettext("%(count)d more comment loaded", "%(count)d more comments loaded", count)
        % {"count": count},
    )
    # The first thread loaded takes the focus, since the control that had it is replaced.
    context["new_comment_id"] = context["thread"][0]["comment"].pk if context["thread"] else None
    return render(request, "measures/_comments_more.html", context)


def _action_context(request, measure):
    user = request.user
    return {
        "can_support": user.has_perm("measures.support_measure", measure),
        "can_follow": user.has_perm("measures.follow_measure", measure),
        "user_supports": getattr(measure, "user_supports", False),
        "user_follows": getattr(measure, "user_follows", False),
    }


@require_http_methods(["GET", "HEAD"])
@district_view
def measure_detail(request, district, pk, slug):
    measure = _fresh_measure(request, district, pk)
    if measure.merged_into_id:
        messages.info(
            request,
            _(
                "The measure “%(title)s” described the same idea as this one and has been "
                "merged into it."
            )
            % {"title": measure.title},
        )
        return redirect(measure.merged_into.get_absolute_url())
    if slug != measure.slug:
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(f"{measure.get_absolute_url()}{query}", permanent=True)
    page = comments_page_number(request.GET.get(COMMENTS_PAGE_PARAM))
    if request.htmx and COMMENTS_PAGE_PARAM in request.GET:
        response = _more_comments(request, district, measure, page)
    else:
        response = render_measure(request, district, measure, comments_page=page)
    # The same address answers the page and (for htmx) the next threads alone.
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- Support and follow ---------------------------------------------------------------------------


def _after_action(request, district, measure, template, anchor):
    if request.htmx:
        context = {"district": district, "measure": measure, "announce": True}
        return render(request, template, {**context, **_action_context(request, measure)})
    return redirect(f"{measure.get_absolute_url()}#{anchor}")


@require_POST
@district_view("measures.support_measure", fn=_measure_for)
def support(request, district, pk):
    measure = _measure_of(district, pk)
    supports = services.support_toggle(measure=measure, user=request.user)
    measure = _fresh_measure(request, district, pk)
    # The same words after a reload (without JavaScript) and in the live region (with htmx).
    messages.success(
        request,
        (_("Support counted: %(count)d") if supports else _("Support taken back: %(count)d"))
        % {"count": measure.support_count},
    )
    return _after_action(request, district, measure, "measures/_support.html", "unterstuetzen")


@require_POST
@district_view("measures.follow_measure", fn=_measure_for)
def follow(request, district, pk):
    measure = _measure_of(district, pk)
    follows = services.follow_toggle(measure=measure, user=request.user)
    messages.success(
        request,
        _("You follow this measure now. We will write to you when something happens.")
        if follows
        else _("You no longer follow this measure."),
    )
    measure = _fresh_measure(request, district, pk)
    return _after_action(request, district, measure, "measures/_follow.html", "folgen")


# --- Comments -------------------------------------------------------------------------------------


def _render_thread(
    request, district, measure, *, comment_form=None, new_comment=None, comments_page=1
):
    """The thread alone, for htmx: the new comment takes the focus on the page of threads that
    shows it; an invalid form, its field."""
    measure = _fresh_measure(request, district, measure.pk)
    if new_comment is not None:
        comments_page = new_comment.thread_page
    context = _measure_context(
        request, district, measure, comment_form=comment_form, comments_page=comments_page
    )
    context.update(announce=True, new_comment_id=new_comment.pk if new_comment else None)
    return render(request, "measures/_comments.html", context)


@require_POST
@district_view("measures.comment_measure", fn=_measure_for)
def comment_add(request, district, pk):
    measure = _fresh_measure(request, district, pk)
    form = CommentForm(request.POST)
    parent = None
    if form.is_valid():
        parent_id = form.cleaned_data.get("parent")
        if parent_id:
            parent = get_object_or_404(Comment.objects.filter(measure=measure), pk=parent_id)
            if not request.user.has_perm("measures.reply_comment", parent):
                raise PermissionDenied
        try:
            comment = services.comment_add(
                measure=measure, author=request.user, body=form.cleaned_data["body"], parent=parent
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Your reply has been published.")
                if parent
                else _("Your comment has been published."),
            )
            if request.htmx:
                return _render_thread(request, district, measure, new_comment=comment)
            return redirect(comment.get_absolute_url())
    # The form comes back on the page of threads it was sent from: a reply's, or the one shown.
    raw_parent = str(form.data.get("parent") or "")
    if parent is None and raw_parent.isascii() and raw_parent.isdigit() and len(raw_parent) < 10:
        parent = Comment.objects.filter(measure=measure, pk=int(raw_parent)).first()
    if parent is not None:
        page = parent.thread_page
    elif request.htmx and request.htmx.current_url:
        query = urlsplit(request.htmx.current_url).query
        page = comments_page_number(QueryDict(query).get(COMMENTS_PAGE_PARAM))
    else:
        page = 1
    if request.htmx:
        # htmx swaps only successful answers; the form comes back with its errors, focused.
        messages.error(request, _("Your comment has not been published. Please check it."))
        form.fields["body"].widget.attrs["autofocus"] = True
        return _render_thread(request, district, measure, comment_form=form, comments_page=page)
    return render_measure(
        request, district, measure, comment_form=form, comments_page=page, status=400
    )


@require_http_methods(["GET", "HEAD", "POST"])
@district_view("measures.change_comment", fn=_comment_for)
def comment_edit(request, district, pk):
    comment = _comment_for(request, district, pk)
    form = CommentEditForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            comment = services.comment_edit(
                comment=comment, user=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your comment has been changed."))
            return redirect(comment.get_absolute_url())
    return render(
        request,
        "measures/comment_edit.html",
        {"district": district, "comment": comment, "measure": comment.measure, "form": form},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@district_view("measures.delete_comment", fn=_comment_for)
def comment_delete(request, district, pk):
    comment = _comment_for(request, district, pk)
    if request.method == "POST":
        services.comment_delete(comment=comment, user=request.user)
        messages.success(request, _("Your comment has been deleted."))
        return redirect(comment.get_absolute_url())
    return render(
        request,
        "measures/comment_delete.html",
        {"district": district, "comment": comment, "measure": comment.measure},
    )


# --- Flags ----------------------------------------------------------------------------------------


def _flag(request, district, *, measure=None, comment=None):
    item_measure = measure or comment.measure
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _flag_row, created = services.flag_add(
                user=request.user,
                reason=form.cleaned_data["reason"],
                measure=measure,
                comment=comment,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Thank you. The moderation team will look at your report.")
                if created
                else _("You have reported this already. The moderation team will look at it."),
            )
            return redirect((comment or item_measure).get_absolute_url())
    return render(
        request,
        "measures/flag.html",
        {
            "district": district,
            "measure": item_measure,
            "comment": comment,
            "form": form,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@district_view("measures.flag", fn=_measure_for)
def measure_flag(request, district, pk):
    return _flag(request, district, measure=_measure_of(district, pk))


@require_http_methods(["GET", "HEAD", "POST"])
@district_view("measures.flag", fn=_comment_for)
def comment_flag(request, district, pk):
    comment = _comment_for(request, district, pk)
    if comment.is_deleted:
        raise Http404
    return _flag(request, district, comment=comment)


# --- Notifications (account pages, outside a district) --------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notification_settings(request):
    form = NotificationSettingsForm(
        request.POST or None,
        initial={"frequency": NotificationSettings.frequency_of(request.user)},
    )
    if request.method == "POST" and form.is_valid():
        services.notification_settings_set(
            user=request.user, frequency=form.cleaned_data["frequency"]
        )
        messages.success(request, _("Your notification settings have been saved."))
        return redirect(reverse("profile") + "#benachrichtigungen")
    return render(request, "measures/notification_settings.html", {"form": form})


@csrf_exempt  # the signed token is the proof; mail providers send the RFC 8058 POST without a form
@require_http_methods(["GET", "HEAD", "POST"])
def notifications_off(request, token):
    """GET shows a button (mail scanners open links); POST turns the notifications off."""
    user = read_unsubscribe_token(token)
    if user is None:
        return render(request, "measures/notifications_off.html", {"invalid": True}, status=404)
    if request.method == "POST":
        services.notifications_off(user=user)
        return render(request, "measures/notifications_off.html", {"done": True})
    return render(request, "measures/notifications_off.html", {})
