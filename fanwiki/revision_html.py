"""An old revision's HTML with its links as they resolve today, rendered again only when that changes it.

Old revisions show their [[links]] as they resolve now, as MediaWiki does. Rendering the Markdown
again gives that, but at the 50,000-character cap it takes most of a second. Each revision keeps
the HTML it was saved with, and the links are the only part of it that depends on other pages:
when every wiki link in it still leads where it did (the same address, blue or red, and title),
that HTML is what a render would give, and it is shown through today's sanitizer instead.
"""

from fanwiki.markup import link_tags, render_markdown, sanitized_html
from fanwiki.titles import normalise_title, resolve_titles
from fanwiki.wikilinks import find_link_targets, link_attributes

_WIKI_LINK_CLASSES = {"wikilink", "redlink"}
_COMPARED = ("href", "class", "title")


def revision_html(kind, revision):
    """Sanitized HTML of the revision's text, links as they resolve today: one query for the links."""
    text = getattr(revision, kind.text_field) or ""
    if not text.strip():
        return ""
    targets = find_link_targets(text)
    resolved = resolve_titles(targets)
    stored = getattr(revision, kind.html_field) or ""
    if stored and _wiki_links_in(stored) == _wiki_links_for(targets, resolved):
        return sanitized_html(stored)
    return render_markdown(text, resolved=resolved)


def _wiki_links_in(html):
    """(href, class, title) of each wiki link in stored HTML, in order."""
    links = []
    for attributes in link_tags(html):
        if attributes.get("class") in _WIKI_LINK_CLASSES:
            links.append(tuple(attributes.get(name) for name in _COMPARED))
    return links


def _wiki_links_for(targets, resolved):
    """(href, class, title) of the links these [[targets]] make today, in order.

    A target the Markdown does not make a link (in code, say) makes the lists differ, and the
    revision is rendered: never wrong, only slower.
    """
    made = {}  # a page names few targets, many times over
    for target in targets:
        if target not in made:
            attributes = link_attributes(target, resolved, normalise_title)
            made[target] = tuple(attributes.get(name) for name in _COMPARED)
    return [made[target] for target in targets]
