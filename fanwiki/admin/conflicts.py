"""No lost edits: an optimistic version check on every page form."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin
from taggit.managers import TaggableManager
from taggit.models import Tag

from fanwiki.diffs import diff_text
from fanwiki.pages import kind_of
from fanwiki.snapshots import credit_label, restore_credits, snapshots_of
from fanwiki.tagging import WikiTagField


class WikiPageForm(forms.ModelForm):
    """A page form that refuses to overwrite a save it has not seen.

    The version the editor opened travels in a hidden field; if the stored
    version moved on meanwhile, the form fails with both texts on show.
    """

    base_version = forms.IntegerField(widget=forms.HiddenInput)
    edit_summary = forms.CharField(
        max_length=100,
        required=False,
        help_text="Briefly say what you changed; it shows in the page history.",
    )
    text_field = None  # the Markdown field shown side by side on a conflict
    is_revert = False
    restored_tags = None  # on a revert, the tag names of the revision being restored

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if self.restored_tags is not None and "tags" in self.fields:
            # The form's instance is built from the old revision, but tags live in their own table.
            self.initial["tags"] = [Tag(name=name) for name in self.restored_tags]
        if self.instance.pk is None:
            self.fields["base_version"].required = False
        elif self.is_revert:
            # A revert starts from an old revision but is applied on top of the latest one.
            self.fields["base_version"].initial = self._stored_version(lock=False)
        else:
            self.fields["base_version"].initial = self.opened_version()

    def versioned_rows(self):
        """The row whose version this form guards: the page itself."""
        return type(self.instance)._default_manager.filter(pk=self.instance.pk)

    def opened_version(self):
        """The version of the text this form shows, read in the same query as the text.

        Read afresh, a save committed between loading the page and building the form would
        pair the old text with the new version, and saving the form would silently undo it.
        """
        return self.instance.version

    def _stored_version(self, lock):
        rows = self.versioned_rows()
        if lock:
            # Holds the row until the save commits, so a second editor's check waits and sees it.
            rows = rows.select_for_update()
        return rows.values_list("version", flat=True).first()

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        stored = self._stored_version(lock=True)
        opened = cleaned_data.get("base_version")
        if stored is not None and opened is not None and stored != opened:
            self._report_conflict(stored, cleaned_data)
        return cleaned_data

    def _report_conflict(self, stored_version, cleaned_data):
        latest = type(self.instance)._default_manager.get(pk=self.instance.pk)
        theirs = getattr(latest, self.text_field) if self.text_field else ""
        yours = cleaned_data.get(self.text_field, "") if self.text_field else ""
        self.conflict = {
            "theirs": theirs,
            "yours": yours,
            "lines": diff_text(theirs, yours),
            "saved": latest.history.select_related("history_user").first(),
        }
        # Resubmitting after a look at both texts is a deliberate choice, so it is accepted.
        data = self.data.copy()
        data[self.add_prefix("base_version")] = stored_version
        self.data = data
        raise ValidationError(
            "Someone else saved this page after you opened it. Nothing was saved. Compare "
            "both versions below, merge them in the form, and save again.",
            code="edit_conflict",
        )


class WikiPageAdmin(SimpleHistoryAdmin):
    form = WikiPageForm
    change_form_template = "admin/wiki_change_form.html"
    object_history_form_template = "admin/wiki_revert_form.html"
    text_field = None
    save_on_top = True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Marks the request so the form and the edit summary know this save is a revert.
        request.reverting_to_revision = version_id
        # The revision's tags and credits, restored with it (None when it predates their recording).
        revision_id = int(version_id) if str(version_id).isdigit() else None
        snapshot = snapshots_of(kind_of(self.model), [revision_id]).get(revision_id)
        request.reverting_snapshot = snapshot
        context = {
            "restored": snapshot,
            "restored_credits": [credit_label(credit) for credit in snapshot.credits] if snapshot else [],
            "has_credits": kind_of(self.model).name == "drama",
            **(extra_context or {}),
        }
        # One revert, one transaction: the page, its tags and its credits are restored together.
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, context)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, TaggableManager):
            kwargs.setdefault("form_class", WikiTagField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        reverting = getattr(request, "reverting_to_revision", None) is not None
        snapshot = getattr(request, "reverting_snapshot", None)
        attrs = {"text_field": self.text_field, "is_revert": reverting}
        if reverting and snapshot is not None:
            attrs["restored_tags"] = snapshot.tags
        return type(form.__name__, (form,), attrs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return [*fieldsets, ("Save", {"fields": ["edit_summary", "base_version"]})]

    def save_model(self, request, obj, form, change):
        summary = form.cleaned_data.get("edit_summary", "")
        if not summary and form.is_revert:
            summary = f"Reverted to revision {request.reverting_to_revision}"
        obj._change_reason = summary
        super().save_model(request, obj, form, change)
        snapshot = getattr(request, "reverting_snapshot", None)
        if form.is_revert and snapshot is not None and kind_of(obj).name == "drama":
            # Inside the revert's transaction: the credit changes join the revision just made.
            restore_credits(obj, snapshot)


class CreditForm(WikiPageForm):
    """A credit is part of its drama's page: its form guards the drama's version.

    So a credit edited here and the same credit edited in the drama's inline
    cannot silently overwrite each other.
    """

    def versioned_rows(self):
        drama_model = type(self.instance)._meta.get_field("drama").related_model
        return drama_model._default_manager.filter(pk=self.instance.drama_id)

    def opened_version(self):
        # CreditAdmin loads the drama with the credit (select_related), so both come from one read.
        return self.instance.drama.version
