"""The Steckbrief (project profile) of a measure, edited by the district's team:
`/<district>/verwaltung/massnahmen/<pk>/steckbrief/`. Mounted from `steckbrief_urlpatterns`
under `/<slug:district>/`."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from strategy_portal.districts import district_view

from . import services
from .models import Measure, Milestone, Steckbrief

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SteckbriefForm(forms.ModelForm):
    class Meta:
        model = Steckbrief
        fields = list(services.STECKBRIEF_FIELDS)
        widgets = {
            "start": DATE_INPUT,
            "end": DATE_INPUT,
            "partners": forms.Textarea(attrs={"rows": 3}),
            "indicators": forms.Textarea(attrs={"rows": 4}),
        }


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_date", "is_done", "done_on"]
        widgets = {"due_date": DATE_INPUT, "done_on": DATE_INPUT}


MilestoneFormSet = formset_factory(
    MilestoneForm, extra=2, can_order=True, can_delete=True, max_num=50
)


def _measure(request, district, pk):
    return get_object_or_404(Measure.objects.for_district(district), pk=pk)


@require_http_methods(["GET", "HEAD", "POST"])
@district_view("measures.change_steckbrief", fn=_measure)
def steckbrief_edit(request, district, pk):
    measure = _measure(request, district, pk)
    steckbrief = Steckbrief.objects.filter(measure=measure).first()
    initial = []
    if steckbrief is not None:
        initial = [
            {
                "title": m.title,
                "due_date": m.due_date,
                "is_done": m.is_done,
                "done_on": m.done_on,
                "ORDER": i + 1,
            }
            for i, m in enumerate(steckbrief.milestones.all())
        ]
    data = request.POST if request.method == "POST" else None
    form = SteckbriefForm(data, instance=steckbrief or Steckbrief(measure=measure))
    milestones = MilestoneFormSet(data, initial=initial, prefix="milestones")
    if data is not None and form.is_valid() and milestones.is_valid():
        try:
            services.steckbrief_save(
                measure=measure,
                user=request.user,
                fields=form.cleaned_data,
                milestones=[f.cleaned_data for f in milestones.ordered_forms],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("The Steckbrief has been saved."))
            return redirect("measures:steckbrief_edit", district=district.slug, pk=measure.pk)
    measure.refresh_from_db(fields=["status"])
    return render(
        request,
        "measures/steckbrief_edit.html",
        {
            "district": district,
            "measure": measure,
            "steckbrief": steckbrief,
            "form": form,
            "milestones": milestones,
        },
    )


steckbrief_urlpatterns = [
    path("verwaltung/massnahmen/<int:pk>/steckbrief/", steckbrief_edit, name="steckbrief_edit"),
]
