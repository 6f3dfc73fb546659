"""The measures part of the workspace (`/<district>/verwaltung/…`), for the district's
facilitators and administrators: the list with bulk status changes, recording on someone's
behalf, editing, status, official answers, merging duplicates, answer templates and moderation.

Every action is a plain form (POST and redirect); htmx only spares a reload where it helps.
Permissions come from `measures.permissions` through `strategy_portal.districts`; the services
check them again, so a view that forgot a check still changes nothing.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET
from django.views.generic import CreateView, DeleteView, ListView, UpdateView

from strategy_portal.districts import DistrictPermissionMixin, district_view

from . import services
from .models import (
    AnswerTemplate,
    Comment,
    Flag,
    FlagStatus,
    Follow,
    Measure,
    ModerationAction,
    Status,
    Support,
)
from .workspace_forms import (
    TEAM_STATUSES,
    AnswerForm,
    AnswerTemplateChoiceForm,
    AnswerTemplateForm,
    BulkStatusForm,
    MeasureEditForm,
    MergeSearchForm,
    ModerationReasonForm,
    RecordMeasureForm,
    StatusForm,
)

PAGE_SIZE = 50
QUEUE_SIZE = 50
TEMPLATE_DIR = "measures/workspace"


def _data(request):
    """The form data of a POST (even an empty one), None for a GET."""
    return request.POST if request.method == "POST" else None


def _page(request, queryset, size=PAGE_SIZE):
    """A page of `queryset`; an unknown page number shows the first or the last page."""
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def apply_errors(form, error: ValidationError) -> None:
    """Put a service's `ValidationError` on the form: on the field it names, if the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _measure(request, district, pk, **_kwargs):
    """The district's measure of the URL (hidden ones too: the team sees them), once per
    request; another district's measure is a 404."""
    cached = getattr(request, "_workspace_measure", None)
    if cached is None or cached.pk != pk:
        cached = get_object_or_404(
            Measure.objects.for_district(district).select_related(
                "author", "recorded_by", "answered_by", "action_field", "mission", "merged_into"
            ),
            pk=pk,
        )
        request._workspace_measure = cached
    return cached


def _hub(measure: Measure):
    return redirect("measures:workspace_measure", district=measure.district.slug, pk=measure.pk)


# --- The list and bulk status changes ------------------------------------------------------------


def _as_id(value: str) -> int | None:
    """A measure number typed or sent by a form; absurdly long numbers are no id."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 9 else None


def _list_queryset(district, params):
    measures = Measure.objects.for_district(district).listed().select_related("action_field")
    status = params.get("status", "")
    if status in Status.values:
        measures = measures.filter(status=status)
    query = (params.get("q") or "").strip()
    if query and not query.isdigit():
        measures = measures.search(query)  # ordered by rank on PostgreSQL
    elif query:
        measures = measures.filter(pk=_as_id(query))
    if not measures.query.order_by:
        measures = measures.order_by("-created", "-pk")
    return measures.annotate(
        open_flag_count=Count("flags", filter=Q(flags__status=FlagStatus.OPEN))
    )


@district_view("measures.change_status")
def measure_list(request, district):
    """All measures of the district with checkboxes; POST changes the status of the ticked ones,
    all or none."""
    form = BulkStatusForm(_data(request))
    selected: set[int] = set()
    if request.method == "POST":
        if form.is_valid():
            try:
                changes = services.bulk_status_change(
                    district=district,
                    user=request.user,
                    measure_ids=form.cleaned_data["measures"],
                    status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                count = len(form.cleaned_data["measures"])
                messages.success(
                    request,
                    ngettext(
                        "The status of %(count)d measure has been set to “%(status)s”.",
                        "The status of %(count)d measures has been set to “%(status)s”.",
                        count,
                    )
                    % {"count": count, "status": Status(form.cleaned_data["status"]).label}
                    + (
                        ""
                        if len(changes) == count
                        else " "
                        + _("Measures that already had this status were left as they were.")
                    ),
                )
                url = reverse("measures:workspace_list", kwargs={"district": district.slug})
                query = request.GET.urlencode()
                return redirect(f"{url}?{query}" if query else url)
        selected = set(form.cleaned_data.get("measures") or [])
        if not selected:
            selected = {int(v) for v in request.POST.getlist("measures") if v.isdigit()}
    page = _page(request, _list_queryset(district, request.GET))
    context = {
        "district": district,
        "page": page,
        "measures": page.object_list,
        "form": form,
        "selected": selected,
        "statuses": Status.choices,
        "team_statuses": TEAM_STATUSES,
        "current_status": request.GET.get("status", ""),
        "query": request.GET.get("q", ""),
        "params": _params_without_page(request),
    }
    if request.htmx and request.htmx.target == "measure-table":
        return render(request, f"{TEMPLATE_DIR}/_measure_table.html", context)
    return render(request, f"{TEMPLATE_DIR}/measure_list.html", context)


def _params_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- One measure ---------------------------------------------------------------------------------


@require_GET
@district_view("measures.change_status", fn=_measure)
def measure_detail(request, district, pk):
    """A measure as the team sees it, with its staff actions."""
    measure = _measure(request, district, pk)
    context = {
        "district": district,
        "measure": measure,
        "status_changes": measure.status_changes.select_related("changed_by"),
        "tags": list(measure.tags.all()),
        "open_flag_count": measure.flags.filter(status=FlagStatus.OPEN).count(),
    }
    return render(request, f"{TEMPLATE_DIR}/measure_detail.html", context)


@district_view("measures.record_measure")
def measure_record(request, district):
    """Record an idea collected by phone, on paper or in an expert interview."""
    form = RecordMeasureForm(_data(request), district=district)
    if request.method == "POST" and form.is_valid():
        try:
            measure = services.measure_record_on_behalf(
                district=district,
                recorded_by=request.user,
                tags=form.cleaned_data["tags"],
                **form.measure_fields(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("The measure “%(title)s” has been recorded and published.")
                % {"title": measure.title},
            )
            return _hub(measure)
    return render(
        request, f"{TEMPLATE_DIR}/measure_record.html", {"district": district, "form": form}
    )


@district_view("measures.record_measure", fn=_measure)
def measure_edit(request, district, pk):
    measure = _measure(request, district, pk)
    form = MeasureEditForm(
        _data(request), district=district, initial=MeasureEditForm.initial_for(measure)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_update(
                measure=measure,
                user=request.user,
                tags=form.cleaned_data["tags"],
                **form.measure_fields(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return _hub(measure)
    context = {"district": district, "measure": measure, "form": form}
    return render(request, f"{TEMPLATE_DIR}/measure_edit.html", context)


def _template_prefill(request, district):
    """The chooser of answer templates (a GET form) and the text of the chosen one, if any."""
    chooser = AnswerTemplateChoiceForm(
        request.GET if "vorlage" in request.GET else None, district=district
    )
    text = None
    if chooser.is_bound and chooser.is_valid():
        text = chooser.cleaned_data["vorlage"].body
    return chooser, text


@district_view("measures.change_status", fn=_measure)
def measure_status(request, district, pk):
    """Change the status with a public reason; followers are told."""
    measure = _measure(request, district, pk)
    chooser, text = _template_prefill(request, district)
    form = StatusForm(_data(request), initial={"reason": text} if text else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.status_change(
                measure=measure,
                user=request.user,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("The status is now “%(status)s”. Followers are informed.")
                % {"status": Status(form.cleaned_data["status"]).label},
            )
            return _hub(measure)
    context = {
        "district": district,
        "measure": measure,
        "form": form,
        "chooser": chooser,
        "has_templates": chooser.fields["vorlage"].queryset.exists(),
    }
    if request.htmx and request.method != "POST":
        # A template was chosen: only the form, prefilled.
        return render(request, f"{TEMPLATE_DIR}/_status_form.html", context)
    return render(request, f"{TEMPLATE_DIR}/measure_status.html", context)


@district_view("measures.answer_measure", fn=_measure)
def measure_answer(request, district, pk):
    """Publish or replace the official answer, optionally starting from a template."""
    measure = _measure(request, district, pk)
    chooser, text = _template_prefill(request, district)
    initial = {"text": text if text is not None else measure.official_answer}
    form = AnswerForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_publish(
                measure=measure, user=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("The official answer has been published. Followers are informed.")
            )
            return _hub(measure)
    context = {
        "district": district,
        "measure": measure,
        "form": form,
        "chooser": chooser,
        "has_templates": chooser.fields["vorlage"].queryset.exists(),
    }
    if request.htmx and request.method != "POST":
        # A template was chosen: only the form, prefilled.
        return render(request, f"{TEMPLATE_DIR}/_answer_form.html", context)
    return render(request, f"{TEMPLATE_DIR}/measure_answer.html", context)


# --- Merging -------------------------------------------------------------------------------------


def _merge_candidates(district, duplicate, query):
    candidates = Measure.objects.for_district(district).listed().exclude(pk=duplicate.pk)
    query = (query or "").strip()
    if not query:
        return candidates.none()
    if query.isdigit():
        return candidates.filter(pk=_as_id(query))
    return candidates.search(query)[:20]


def _merge_preview(duplicate, target) -> dict:
    """What a merge would move, counted the way `services.measure_merge` counts it."""
    target_supporters = Support.objects.filter(measure=target, user__isnull=False).values("user_id")
    target_followers = Follow.objects.filter(measure=target).values("user_id")
    supports = Support.objects.filter(measure=duplicate)
    follows = Follow.objects.filter(measure=duplicate)
    dropped = supports.filter(user_id__in=target_supporters).count()
    dropped_follows = follows.filter(user_id__in=target_followers).count()
    return {
        "supports": supports.count() - dropped,
        "dropped_supports": dropped,
        "comments": Comment.objects.filter(measure=duplicate).count(),
        "followers": follows.count() - dropped_follows,
        "tags": list(duplicate.tags.all()),
    }


@district_view("measures.merge_measure", fn=_measure)
def measure_merge(request, district, pk):
    """Choose the measure to merge this duplicate into (search by number or words), confirm
    what moves, then merge."""
    duplicate = _measure(request, district, pk)
    if duplicate.merged_into_id:
        messages.info(request, _("This measure has already been merged into another one."))
        return _hub(duplicate)
    search = MergeSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    context = {"district": district, "measure": duplicate, "search": search, "query": query}
    if request.method == "POST":
        target_id = _as_id(request.POST.get("target", ""))
        target = (
            Measure.objects.for_district(district)
            .listed()
            .exclude(pk=duplicate.pk)
            .filter(pk=target_id)
            .first()
            if target_id is not None
            else None
        )
        if target is None:
            context["target_error"] = _("Please choose a measure of this district to merge into.")
        else:
            reason_form = ModerationReasonForm(request.POST)
            reason_form.fields["reason"].required = False
            if request.POST.get("confirm") == "1" and reason_form.is_valid():
                try:
                    merge = services.measure_merge(
                        duplicate=duplicate,
                        target=target,
                        user=request.user,
                        reason=reason_form.cleaned_data["reason"],
                    )
                except ValidationError as error:
                    context["target_error"] = " ".join(error.messages)
                else:
                    messages.success(
                        request,
                        _(
                            "“%(duplicate)s” has been merged into “%(target)s”: %(supports)d "
                            "supports, %(comments)d comments and %(followers)d followers moved."
                        )
                        % {
                            "duplicate": duplicate.title,
                            "target": target.title,
                            "supports": merge.moved_supports,
                            "comments": merge.moved_comments,
                            "followers": merge.moved_followers,
                        },
                    )
                    return _hub(target)
            context.update(
                {
                    "target": target,
                    "preview": _merge_preview(duplicate, target),
                    "reason_form": reason_form,
                }
            )
            return render(request, f"{TEMPLATE_DIR}/measure_merge_confirm.html", context)
    context["candidates"] = list(_merge_candidates(district, duplicate, query))
    return render(request, f"{TEMPLATE_DIR}/measure_merge.html", context)


# --- Answer templates ----------------------------------------------------------------------------


class AnswerTemplateMixin(DistrictPermissionMixin):
    permission_required = "measures.manage_answer_templates"
    form_class = AnswerTemplateForm

    def get_queryset(self):
        return AnswerTemplate.objects.for_district(self.district)

    def get_success_url(self):
        return reverse(
            "measures:workspace_answer_templates", kwargs={"district": self.district.slug}
        )


class AnswerTemplateListView(AnswerTemplateMixin, ListView):
    template_name = f"{TEMPLATE_DIR}/answer_template_list.html"
    context_object_name = "templates"


class AnswerTemplateCreateView(AnswerTemplateMixin, CreateView):
    template_name = f"{TEMPLATE_DIR}/answer_template_form.html"

    def form_valid(self, form):
        form.instance.district = self.district
        messages.success(self.request, _("The answer template has been saved."))
        return super().form_valid(form)


class AnswerTemplateUpdateView(AnswerTemplateMixin, UpdateView):
    template_name = f"{TEMPLATE_DIR}/answer_template_form.html"

    def form_valid(self, form):
        messages.success(self.request, _("The answer template has been saved."))
        return super().form_valid(form)


class AnswerTemplateDeleteView(AnswerTemplateMixin, DeleteView):
    template_name = f"{TEMPLATE_DIR}/answer_template_delete.html"
    form_class = forms.Form

    def form_valid(self, form):
        messages.success(
            self.request,
            _("The answer template “%(title)s” has been deleted.") % {"title": self.object.title},
        )
        return super().form_valid(form)


# --- Moderation ----------------------------------------------------------------------------------


def _open_flags():
    return Prefetch(
        "flags",
        queryset=Flag.objects.filter(status=FlagStatus.OPEN)
        .select_related("user")
        .order_by("created"),
        to_attr="open_flags",
    )


@require_GET
@district_view("measures.moderate")
def moderation_queue(request, district):
    """Flagged measures and comments of the district, most flagged first, and hidden content."""
    measures = (
        Measure.objects.for_district(district)
        .moderation_queue()
        .select_related("author")
        .prefetch_related(_open_flags())
    )
    comments = (
        Comment.objects.filter(measure__district=district)
        .moderation_queue()
        .with_thread_page()  # each links to the page of the measure that shows it
        .select_related("measure__district")
        .prefetch_related(_open_flags())
    )
    hidden_measures = (
        Measure.objects.for_district(district).filter(is_hidden=True).select_related("author")
    )
    hidden_comments = Comment.objects.filter(
        measure__district=district, is_hidden=True
    ).select_related("author", "measure")
    context = {
        "district": district,
        "flagged_measures": list(measures[:QUEUE_SIZE]),
        "flagged_comments": list(comments[:QUEUE_SIZE]),
        "hidden_measures": list(hidden_measures.order_by("-modified")[:QUEUE_SIZE]),
        "hidden_comments": list(hidden_comments.order_by("-modified")[:QUEUE_SIZE]),
        "queue_size": QUEUE_SIZE,
        "recent_actions": list(
            ModerationAction.objects.for_district(district).select_related(
                "moderator", "measure", "comment", "target_user"
            )[:5]
        ),
    }
    return render(request, f"{TEMPLATE_DIR}/moderation_queue.html", context)


@require_GET
@district_view("measures.moderate")
def moderation_log(request, district):
    """Every moderation action of the district: who, when, what and why."""
    actions = ModerationAction.objects.for_district(district).select_related(
        "moderator", "measure", "comment__measure", "target_user"
    )
    page = _page(request, actions)
    context = {"district": district, "page": page, "actions": page.object_list}
    return render(request, f"{TEMPLATE_DIR}/moderation_log.html", context)


MODERATION_ACTIONS = {
    "hide": services.moderation_hide,
    "dismiss": services.moderation_dismiss,
    "restore": services.moderation_restore,
}
MODERATION_DONE = {
    "hide": gettext_lazy("The content has been hidden."),
    "dismiss": gettext_lazy("The flags have been dismissed; the content stays visible."),
    "restore": gettext_lazy("The content is visible again."),
}


def _moderated_item(request, district, pk, item, action):
    if item == "measure":
        return _measure(request, district, pk)
    cached = getattr(request, "_workspace_comment", None)
    if cached is None or cached.pk != pk:
        cached = get_object_or_404(
            Comment.objects.filter(measure__district=district).select_related(
                "measure__district", "author"
            ),
            pk=pk,
        )
        request._workspace_comment = cached
    return cached


def moderate(request, district, pk, item, action):
    """Hide, dismiss the flags of, or restore a measure or comment: a confirmation page with a
    required reason (GET), the action (POST)."""
    obj = _moderated_item(request, district, pk, item, action)
    if action == "restore" and not obj.is_hidden:
        messages.info(request, _("This content is not hidden."))
        return redirect("measures:workspace_moderation", district=district.slug)
    form = ModerationReasonForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            MODERATION_ACTIONS[action](
                moderator=request.user, reason=form.cleaned_data["reason"], **{item: obj}
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, MODERATION_DONE[action])
            return redirect("measures:workspace_moderation", district=district.slug)
    context = {
        "district": district,
        "item": obj,
        "item_kind": item,
        "action": action,
        "form": form,
        "flags": obj.flags.filter(status=FlagStatus.OPEN).select_related("user"),
    }
    return render(request, f"{TEMPLATE_DIR}/moderation_confirm.html", context)


def _moderation_view(item, action):
    def view(request, district, pk):
        return moderate(request, district, pk, item, action)

    view.__name__ = f"moderate_{item}_{action}"
    view.__doc__ = moderate.__doc__
    return district_view(
        "measures.moderate",
        fn=lambda request, district, pk: _moderated_item(request, district, pk, item, action),
    )(view)


def _author_in_district(request, district, pk):
    """A person who wrote something in this district; anyone else is a 404 here."""
    from django.contrib.auth import get_user_model

    user = get_object_or_404(get_user_model(), pk=pk)
    wrote_here = (
        Measure.objects.for_district(district).filter(author=user).exists()
        or Comment.objects.filter(measure__district=district, author=user).exists()
    )
    if not wrote_here:
        raise Http404
    return user


@district_view("measures.block_author")
def block_author(request, district, pk):
    """Block an author: everything they wrote is hidden, they can no longer log in. A
    confirmation page with a required reason (GET), the block (POST)."""
    person = _author_in_district(request, district, pk)
    form = ModerationReasonForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.block_author(
                moderator=request.user,
                user=person,
                district=district,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s has been blocked; everything they wrote is hidden.")
                % {"name": person.public_name},
            )
            return redirect("measures:workspace_moderation", district=district.slug)
    context = {
        "district": district,
        "person": person,
        "form": form,
        "measure_count": Measure.objects.filter(author=person, is_hidden=False).count(),
        "comment_count": Comment.objects.filter(author=person, is_hidden=False).count(),
        "already_blocked": not person.is_active,
    }
    return render(request, f"{TEMPLATE_DIR}/block_author.html", context)


# --- Addresses (included by measures/urls.py) ----------------------------------------------------

_ITEMS = {"measure": "massnahme", "comment": "kommentar"}
_ACTIONS = {"hide": "ausblenden", "dismiss": "verwerfen", "restore": "wiederherstellen"}

workspace_urlpatterns = [
    path("verwaltung/massnahmen/", measure_list, name="workspace_list"),
    path("verwaltung/massnahmen/erfassen/", measure_record, name="workspace_record"),
    path("verwaltung/massnahmen/<int:pk>/", measure_detail, name="workspace_measure"),
    path("verwaltung/massnahmen/<int:pk>/bearbeiten/", measure_edit, name="workspace_edit"),
    path("verwaltung/massnahmen/<int:pk>/status/", measure_status, name="workspace_status"),
    path("verwaltung/massnahmen/<int:pk>/antwort/", measure_answer, name="workspace_answer"),
    path(
        "verwaltung/massnahmen/<int:pk>/zusammenfuehren/",
        measure_merge,
        name="workspace_merge",
    ),
    path(
        "verwaltung/antwortvorlagen/",
        AnswerTemplateListView.as_view(),
        name="workspace_answer_templates",
    ),
    path(
        "verwaltung/antwortvorlagen/neu/",
        AnswerTemplateCreateView.as_view(),
        name="workspace_answer_template_create",
    ),
    path(
        "verwaltung/antwortvorlagen/<int:pk>/bearbeiten/",
        AnswerTemplateUpdateView.as_view(),
        name="workspace_answer_template_edit",
    ),
    path(
        "verwaltung/antwortvorlagen/<int:pk>/loeschen/",
        AnswerTemplateDeleteView.as_view(),
        name="workspace_answer_template_delete",
    ),
    path("verwaltung/moderation/", moderation_queue, name="workspace_moderation"),
    path("verwaltung/moderation/protokoll/", moderation_log, name="workspace_moderation_log"),
    *[
        path(
            f"verwaltung/moderation/{item_path}/<int:pk>/{action_path}/",
            _moderation_view(item, action),
            name=f"workspace_{item}_{action}",
        )
        for item, item_path in _ITEMS.items()
        for action, action_path in _ACTIONS.items()
    ],
    path(
        "verwaltung/moderation/personen/<int:pk>/sperren/",
        block_author,
        name="workspace_block_author",
    ),
]
