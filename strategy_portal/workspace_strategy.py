"""The district admins' pages for the strategy's structure and the process timeline:
`/<district>/verwaltung/strategie/…` — the strategy (vision, values, goals), the action fields
with their missions, and the phases. Every write goes through `services`."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from . import services
from .districts import district_view
from .models import ActionField, Mission, Phase, ProjectGoal, Strategy, StrategyValue

PERMISSION = "strategy_portal.change_strategy"
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- Forms ----------------------------------------------------------------------------------------


class StrategyForm(forms.ModelForm):
    new_version = forms.BooleanField(
        label=gettext_lazy("Save as a new version"),
        required=False,
        help_text=gettext_lazy(
            "The version saved so far is kept as it is; what you save now becomes the current "
            "version."
        ),
    )

    class Meta:
        model = Strategy
        fields = ["title", "subtitle", "as_of", "version", "preamble", "vision"]
        widgets = {
            "as_of": DATE_INPUT,
            "preamble": forms.Textarea(attrs={"rows": 6}),
            "vision": forms.Textarea(attrs={"rows": 8}),
        }


class ValueForm(forms.ModelForm):
    class Meta:
        model = StrategyValue
        fields = ["title", "explanation"]
        widgets = {"explanation": forms.Textarea(attrs={"rows": 3})}


class GoalForm(forms.ModelForm):
    class Meta:
        model = ProjectGoal
        fields = ["title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


ValueFormSet = formset_factory(ValueForm, extra=2, can_order=True, can_delete=True, max_num=30)
GoalFormSet = formset_factory(GoalForm, extra=2, can_order=True, can_delete=True, max_num=30)


class ActionFieldForm(forms.ModelForm):
    class Meta:
        model = ActionField
        fields = ["title", "summary", "colour", "is_cross_cutting", "position"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}


class MissionForm(forms.ModelForm):
    class Meta:
        model = Mission
        fields = ["action_field", "title", "description", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, district, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action_field"].queryset = ActionField.objects.for_district(district)
        self.fields["action_field"].empty_label = None
        self.instance.district = district


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["kind", "start", "end", "description"]
        widgets = {
            "start": DATE_INPUT,
            "end": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, district, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.district = district


def _ordered(formset) -> list[dict]:
    return [form.cleaned_data for form in formset.ordered_forms]


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Views ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@district_view(PERMISSION)
def strategy_edit(request, district):
    strategy = Strategy.objects.for_district(district).current().first()
    initial_values = initial_goals = []
    if strategy is not None:
        initial_values = [
            {"title": v.title, "explanation": v.explanation, "ORDER": i + 1}
            for i, v in enumerate(strategy.values.all())
        ]
        initial_goals = [
            {"title": g.title, "text": g.text, "ORDER": i + 1}
            for i, g in enumerate(strategy.goals.all())
        ]
    data = request.POST if request.method == "POST" else None
    form = StrategyForm(data, instance=strategy or Strategy(district=district))
    values = ValueFormSet(data, initial=initial_values, prefix="values")
    goals = GoalFormSet(data, initial=initial_goals, prefix="goals")
    if data is not None and form.is_valid() and values.is_valid() and goals.is_valid():
        fields = {name: form.cleaned_data[name] for name in StrategyForm.Meta.fields}
        try:
            services.strategy_save(
                district=district,
                fields=fields,
                values=_ordered(values),
                goals=_ordered(goals),
                new_version=form.cleaned_data["new_version"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The strategy has been saved."))
            return redirect("workspace_strategy", district=district.slug)
    versions = Strategy.objects.for_district(district).filter(is_current=False)
    return render(
        request,
        "strategy_portal/workspace/strategy.html",
        {
            "district": district,
            "form": form,
            "values": values,
            "goals": goals,
            "versions": versions,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@district_view(PERMISSION)
def action_fields(request, district):
    form = ActionFieldForm(request.POST or None, instance=ActionField(district=district))
    if request.method == "POST" and form.is_valid():
        try:
            field = services.action_field_save(district=district, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, _("The action field „%(title)s“ has been added.") % {"title": field.title}
            )
            return redirect("workspace_action_fields", district=district.slug)
    fields = ActionField.objects.for_district(district).prefetch_related("missions")
    return render(
        request,
        "strategy_portal/workspace/action_fields.html",
        {"district": district, "form": form, "action_fields": fields},
    )


def _action_field(request, district, pk):
    return get_object_or_404(ActionField.objects.for_district(district), pk=pk)


@require_http_methods(["GET", "HEAD", "POST"])
@district_view(PERMISSION)
def action_field_edit(request, district, pk):
    field = _action_field(request, district, pk)
    form = ActionFieldForm(request.POST or None, instance=field)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.action_field_save(district=district, action_field=field, **changes)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The action field has been saved."))
            return redirect("workspace_action_field", district=district.slug, pk=field.pk)
    return render(
        request,
        "strategy_portal/workspace/action_field.html",
        {"district": district, "form": form, "field": field, "missions": field.missions.all()},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@district_view(PERMISSION)
def action_field_delete(request, district, pk):
    field = _action_field(request, district, pk)
    if request.method == "POST":
        try:
            services.action_field_delete(action_field=field)
        except services.ActionFieldInUse as error:
            messages.error(request, error.message)
            return redirect("workspace_action_field", district=district.slug, pk=field.pk)
        messages.success(
            request, _("The action field „%(title)s“ has been deleted.") % {"title": field.title}
        )
        return redirect("workspace_action_fields", district=district.slug)
    return render(
        request,
        "strategy_portal/workspace/confirm_delete.html",
        {
            "district": district,
            "object": field,
            "question": _("Delete this action field?"),
            "consequence": _("Its missions are deleted with it."),
            "back": ("workspace_action_field", field.pk),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@district_view(PERMISSION)
def mission_form(request, district, pk=None, action_field=None):
    mission = None
    if pk is not None:
        mission = get_object_or_404(Mission.objects.for_district(district), pk=pk)
        field = mission.action_field
    else:
        field = _action_field(request, district, action_field)
    form = MissionForm(
        request.POST or None,
        instance=mission,
        initial={"action_field": field.pk},
        district=district,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        target = data.pop("action_field")
        try:
            mission = services.mission_save(
                district=district, action_field=target, mission=mission, **data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, _("The mission „%(title)s“ has been saved.") % {"title": mission.title}
            )
            return redirect("workspace_action_field", district=district.slug, pk=target.pk)
    return render(
        request,
        "strategy_portal/workspace/mission.html",
        {"district": district, "form": form, "field": field, "mission": mission},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@district_view(PERMISSION)
def mission_delete(request, district, pk):
    mission = get_object_or_404(Mission.objects.for_district(district), pk=pk)
    if request.method == "POST":
        field_pk = mission.action_field_id
        mission.delete()
        messages.success(
            request, _("The mission „%(title)s“ has been deleted.") % {"title": mission.title}
        )
        return redirect("workspace_action_field", district=district.slug, pk=field_pk)
    return render(
        request,
        "strategy_portal/workspace/confirm_delete.html",
        {
            "district": district,
            "object": mission,
            "question": _("Delete this mission?"),
            "consequence": _("Its measures stay, without a mission."),
            "back": ("workspace_mission", mission.pk),
        },
    )


def _phase_from_form(request, district, form, phase=None):
    try:
        return services.phase_save(district=district, phase=phase, **form.cleaned_data)
    except ValidationError as error:
        _apply_errors(form, error)
        return None


@require_http_methods(["GET", "HEAD", "POST"])
@district_view(PERMISSION)
def phases(request, district):
    form = PhaseForm(request.POST or None, district=district)
    if request.method == "POST" and form.is_valid() and _phase_from_form(request, district, form):
        messages.success(request, _("The phase has been added."))
        return redirect("workspace_phases", district=district.slug)
    return render(
        request,
        "strategy_portal/workspace/phases.html",
        {"district": district, "form": form, "phases": Phase.objects.for_district(district)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@district_view(PERMISSION)
def phase_edit(request, district, pk):
    phase = get_object_or_404(Phase.objects.for_district(district), pk=pk)
    form = PhaseForm(request.POST or None, instance=phase, district=district)
    if (
        request.method == "POST"
        and form.is_valid()
        and _phase_from_form(request, district, form, phase=phase)
    ):
        messages.success(request, _("The phase has been saved."))
        return redirect("workspace_phases", district=district.slug)
    return render(
        request,
        "strategy_portal/workspace/phase.html",
        {"district": district, "form": form, "phase": phase},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@district_view(PERMISSION)
def phase_delete(request, district, pk):
    phase = get_object_or_404(Phase.objects.for_district(district), pk=pk)
    if request.method == "POST":
        phase.delete()
        messages.success(request, _("The phase has been deleted."))
        return redirect("workspace_phases", district=district.slug)
    return render(
        request,
        "strategy_portal/workspace/confirm_delete.html",
        {
            "district": district,
            "object": phase,
            "question": _("Delete this phase?"),
            "consequence": "",
            "back": ("workspace_phase", phase.pk),
        },
    )


urlpatterns = [
    path("verwaltung/strategie/", strategy_edit, name="workspace_strategy"),
    path("verwaltung/strategie/handlungsfelder/", action_fields, name="workspace_action_fields"),
    path(
        "verwaltung/strategie/handlungsfelder/<int:pk>/",
        action_field_edit,
        name="workspace_action_field",
    ),
    path(
        "verwaltung/strategie/handlungsfelder/<int:pk>/loeschen/",
        action_field_delete,
        name="workspace_action_field_delete",
    ),
    path(
        "verwaltung/strategie/handlungsfelder/<int:action_field>/missionen/neu/",
        mission_form,
        name="workspace_mission_add",
    ),
    path("verwaltung/strategie/missionen/<int:pk>/", mission_form, name="workspace_mission"),
    path(
        "verwaltung/strategie/missionen/<int:pk>/loeschen/",
        mission_delete,
        name="workspace_mission_delete",
    ),
    path("verwaltung/strategie/phasen/", phases, name="workspace_phases"),
    path("verwaltung/strategie/phasen/<int:pk>/", phase_edit, name="workspace_phase"),
    path(
        "verwaltung/strategie/phasen/<int:pk>/loeschen/",
        phase_delete,
        name="workspace_phase_delete",
    ),
]
