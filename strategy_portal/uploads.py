"""What every uploaded file goes through, whatever it is: a size cap, a safe name, and no orphans.

`images.py` and `videos.py` build on these; a ModelForm with file fields mixes in
`ReplacedFilesCleanupMixin` so that a replaced or removed file does not stay in the storage.
"""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


def check_size(upload, max_bytes: int) -> None:
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("The file is too large (%(size)s). At most %(limit)s are allowed."),
            code="file_too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
        )


def safe_name(original: str, extension: str, fallback: str) -> str:
    """A file name from the uploaded one, with the extension of what the file really is."""
    stem = slugify(PurePath(original or "").stem)[:60].strip("-") or fallback
    return f"{stem}.{extension}"


class ReplacedFilesCleanupMixin:
    """For a ModelForm with file fields: once the instance is saved, a file it no longer points
    to (replaced by an upload, or cleared) is deleted from the storage, after the commit.

    Works with `save(commit=False)` followed by `save_m2m()` too, as the Django admin does it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._stored_files = {
            field.name: getattr(self.instance, field.name).name
            for field in self.instance._meta.concrete_fields
            if isinstance(field, models.FileField) and field.name in self.fields
        }

    def save(self, commit=True):
        instance = super().save(commit=commit)
        if commit:
            self._delete_replaced_files()
        else:
            save_m2m = self.save_m2m

            def save_m2m_and_clean_up():
                save_m2m()
                self._delete_replaced_files()

            self.save_m2m = save_m2m_and_clean_up
        return instance

    def _delete_replaced_files(self):
        model = type(self.instance)
        for field_name, old_name in self._stored_files.items():
            field_file = getattr(self.instance, field_name)
            if not old_name or field_file.name == old_name:
                continue
            if model._default_manager.filter(**{field_name: old_name}).exists():
                continue  # another row still shows it
            storage = field_file.storage
            transaction.on_commit(lambda storage=storage, name=old_name: storage.delete(name))
            self._stored_files[field_name] = field_file.name
