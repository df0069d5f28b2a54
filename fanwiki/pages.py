"""Which models are wiki pages, and where each keeps its Markdown and rendered HTML."""

from dramas.models import Drama
from fanwiki.models import Article
from people.models import Person

# model -> (Markdown field, rendered HTML field)
PAGE_TEXT_FIELDS = {
    Drama: ("synopsis", "synopsis_html"),
    Person: ("biography", "biography_html"),
    Article: ("body", "body_html"),
}
PAGE_MODELS = tuple(PAGE_TEXT_FIELDS)


def page_text(page):
    return getattr(page, PAGE_TEXT_FIELDS[type(page)][0])


def page_is_public(page):
    return getattr(page, "is_public", True)


# URL segment -> model, for the routes every kind of page shares (history).
PAGE_KINDS = {"dramas": Drama, "people": Person, "articles": Article}


def public_pages(model):
    """The pages of a kind that readers may see: every drama and person, published articles."""
    if model is Article:
        return Article.objects.published()
    return model._default_manager.all()
