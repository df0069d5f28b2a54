from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from dramas.models import Drama
from dramas.views import DRAMAS_PER_PAGE
from fanwiki.links import pages_linking_to
from fanwiki.models import Article
from fanwiki.pagecache.dependencies import depends_on, page_keys
from fanwiki.pages import KINDS_BY_SEGMENT, PAGE_KINDS
from fanwiki.paging import page_count, paginate
from fanwiki.search import search as search_pages
from fanwiki.tagging import newest_carriers, public_tags
from people.models import Person
from people.views import PEOPLE_PER_PAGE

HOME_LIST_SIZE = 12
ARTICLES_PER_PAGE = 50
TAG_SECTION_SIZE = 30
BACKLINKS_PER_PAGE = 100
# A tag page lists at most this many of each kind (the pages the tag was put on last), so neither
# its count nor its sorting grows with a tag on tens of thousands of pages; search finds the rest.
TAG_SECTION_LIMIT = 1000


def home(request):
    context = {
        "dramas": Drama.objects.select_related("network")[:HOME_LIST_SIZE],
        "people": Person.objects.all()[:HOME_LIST_SIZE],
        "latest_articles": Article.objects.published().listed()[:HOME_LIST_SIZE],
        "tags": public_tags().order_by("name")[:60],
    }
    return render(request, "fanwiki/home.html", context)


def article_list(request):
    articles = Article.objects.published().listed().newest_first()
    page = paginate(request, articles, ARTICLES_PER_PAGE)
    return render(request, "fanwiki/article_list.html", {"page_obj": page, "articles": page.object_list})


def article_detail(request, slug):
    article = get_object_or_404(Article.objects.published().prefetch_related("tags"), slug=slug)
    depends_on(request, *page_keys([article]))
    return render(request, "fanwiki/article_detail.html", {"article": article})


def tag_detail(request, slug):
    """Dramas, people and articles carrying the tag; each section has its own page number."""
    tag = get_object_or_404(public_tags(), slug=slug)
    depends_on(request, f"tag:{tag.pk}")
    sections = {
        "dramas": (Drama, Drama.objects.order_by("-first_aired", "title", "pk")),
        "people": (Person, Person.objects.order_by("name", "pk")),
        "articles": (Article, Article.objects.published().listed().newest_first()),
    }
    context = {"tag": tag, "section_limit": TAG_SECTION_LIMIT}
    for name, (model, items) in sections.items():
        listed = items.filter(pk__in=newest_carriers(model, tag, TAG_SECTION_LIMIT))
        # One more than the limit, only counted: whether the section has more than it lists.
        probe = items.filter(pk__in=newest_carriers(model, tag, TAG_SECTION_LIMIT + 1))
        context[name] = paginate(
            request, listed, TAG_SECTION_SIZE, param=name, bounded=(TAG_SECTION_LIMIT, probe)
        )
    return render(request, "fanwiki/tag_detail.html", context)


def what_links_here(request, kind, slug):
    """Every public page linking to one page, by title: the full list behind the page's backlinks box."""
    page_kind = KINDS_BY_SEGMENT.get(kind)
    if page_kind is None:
        raise Http404("No such kind of page.")
    page = get_object_or_404(page_kind.public_pages(), slug=slug)
    # The box's own key: a page that starts or stops linking here, or is renamed, announces this page.
    depends_on(request, *page_keys([page]))
    backlinks = paginate(request, pages_linking_to(page), BACKLINKS_PER_PAGE)
    return render(
        request, "fanwiki/what_links_here.html", {"page": page, "kind": kind, "backlinks": backlinks}
    )


def browse(request):
    """A link to every page of every list: any drama, person or article is three clicks from home.

    Home links here; each link leads to a list page that links the pages themselves.
    """
    lists = [
        ("dramas", "Dramas", reverse("dramas:list"), Drama.objects.count(), DRAMAS_PER_PAGE),
        ("people", "People", reverse("people:list"), Person.objects.count(), PEOPLE_PER_PAGE),
        (
            "articles",
            "Articles",
            reverse("fanwiki:article_list"),
            Article.objects.published().count(),
            ARTICLES_PER_PAGE,
        ),
    ]
    context = {
        "lists": [
            {"id": name, "label": label, "url": url, "count": count, "pages": page_count(count, per_page)}
            for name, label, url, count, per_page in lists
        ]
    }
    return render(request, "fanwiki/browse.html", context)


@require_GET
def search(request):
    results = search_pages(request.GET.get("q", ""), request.GET.get("page"))
    return render(request, "fanwiki/search.html", {"results": results, "query": results.query})


def missing_page(request):
    """Where red links lead: editors choose what to create, readers learn it is not written yet."""
    title = request.GET.get("title", "").replace("\x00", "").strip()[:200]
    choices = _creation_choices(request.user, title) if title else []
    context = {
        "title": title,
        "choices": choices,
        "login_url": f"{reverse('admin:login')}?{urlencode({'next': request.get_full_path()})}",
        "search_url": f"{reverse('fanwiki:search')}?{urlencode({'q': title})}",
    }
    # An editor's chooser is a page to act on; for everyone else the page does not exist.
    return render(request, "fanwiki/missing_page.html", context, status=200 if choices else 404)


def _creation_choices(user, title):
    """(kind, admin add-form URL prefilled with the title) for each kind of page the user may create."""
    choices = []
    for kind in PAGE_KINDS:
        opts = kind.model._meta
        if not user.has_perm(f"{opts.app_label}.add_{opts.model_name}"):
            continue
        initial = {kind.title_field: title}
        slug_field = opts.get_field("slug")
        slug = slugify(title, allow_unicode=slug_field.allow_unicode)
        if slug:
            initial["slug"] = slug[: slug_field.max_length]
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        choices.append((kind, f"{url}?{urlencode(initial)}"))
    return choices


def robots_txt(request):
    # History, revisions and diffs are many pages per article, each costly to build and of no use
    # in a search engine ("*" is in RFC 9309 and honoured by the major crawlers); so are the lists
    # of what links to a page, which hold only other pages' titles.
    history = [f"Disallow: /{kind.segment}/*/history/" for kind in PAGE_KINDS]
    history += [f"Disallow: /{kind.segment}/*/links/" for kind in PAGE_KINDS]
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /missing/",
        *history,
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain")
