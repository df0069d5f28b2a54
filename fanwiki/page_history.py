"""The history of a wiki page: simple_history's records, with an index for reading one page's revisions.

simple_history indexes `id` and `history_date` apart. A page's history list, and the "previous
revision" of each row in recent changes, ask for one page's revisions in date order; with only those
indexes the database reads every revision of the page to sort them, and reading a revision's date
means reading past its text (up to the cap, twice: Markdown and HTML). The index on (id,
history_date, history_id) gives them in order without touching the rows.
"""

from django.db import models
from simple_history.models import HistoricalRecords


class PageHistory(HistoricalRecords):
    def get_meta_options(self, model):
        meta = super().get_meta_options(model)
        name = f"{model._meta.model_name[:12]}_hist_page_date"
        meta["indexes"] = (
            *meta.get("indexes", ()),
            models.Index(fields=["id", "history_date", "history_id"], name=name),
        )
        return meta
