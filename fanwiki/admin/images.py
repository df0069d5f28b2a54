"""The picture inline on drama and person forms: upload, describe, credit, replace.

The upload is checked and re-encoded in the form (fanwiki/images.py), so a refused
file is an error beside the field, never a 500; the files are written when the
form saves, inside the page's transaction, before the page is announced.
"""

from django import forms
from django.contrib import admin
from django.contrib.contenttypes.admin import GenericStackedInline
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from fanwiki import images
from fanwiki.models import PageImage
from fanwiki.pages import kind_of


class PageImageForm(forms.ModelForm):
    upload = forms.FileField(
        required=False,
        label="Image file",
        help_text=f"JPEG, PNG, WebP or AVIF, at most {images.MAX_UPLOAD_BYTES // (1024 * 1024)} MB. "
        "It is turned upright, stripped of camera data (including location) and kept at most "
        f"{images.MASTER_LONG_EDGE} px on its long edge. Choosing a file replaces the current picture.",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(images.ACCEPTED_EXTENSIONS)}),
    )
    source_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label="Source URL",
        help_text=PageImage._meta.get_field("source_url").help_text,
    )
    role = None  # set per page kind by the inline

    class Meta:
        model = PageImage
        fields = ["upload", "alt", "credit", "licence", "source_url", "caption"]
        widgets = {"alt": forms.TextInput(attrs={"size": 80})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.master = None

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            if self.instance.pk is None:
                raise ValidationError("Choose an image file.", code="required")
            return None
        try:
            self.master = images.open_upload(upload)
        except images.ImageRefused as refusal:
            raise ValidationError(str(refusal), code="refused") from refusal
        return upload

    def save(self, commit=True):
        image = super().save(commit=False)
        image.role = self.role
        if self.master is not None:
            stored = images.store(self.master, self.role)
            image.digest, image.version = stored.digest, stored.version
            image.width, image.height = stored.width, stored.height
        if commit:
            image.save()
        return image


class PageImageInline(GenericStackedInline):
    """A page's one picture; image_inline_for() makes one per page kind, in that kind's role."""

    model = PageImage
    form = PageImageForm
    extra = 1
    max_num = 1
    readonly_fields = ["preview"]
    fields = ["preview", "upload", "alt", "credit", "licence", "source_url", "caption"]
    role = None

    def get_queryset(self, request):
        return super().get_queryset(request).filter(role=self.role)

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = type("PageImageForm", (self.form,), {"role": self.role})
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description="Current picture")
    def preview(self, image):
        if image.pk is None:
            return "None yet."
        smallest = images.picture(image).smallest
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}">',
            smallest.url,
            smallest.width,
            smallest.height,
            image.alt,
        )


def image_inline_for(page_model):
    """The picture inline of a page kind, named for its role ("Poster", "Portrait")."""
    role = PageImage.Role(kind_of(page_model).image_role)
    return type(
        f"{role.label}Inline",
        (PageImageInline,),
        {"role": role.value, "verbose_name": role.label.lower(), "verbose_name_plural": role.label.lower()},
    )
