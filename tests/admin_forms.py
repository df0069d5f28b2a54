"""Submitting admin forms as a browser would: every field the page's form holds."""

from html.parser import HTMLParser


class _AdminFormParser(HTMLParser):
    """Collects what a browser would submit from the admin's main form (id "<model>_form")."""

    def __init__(self):
        super().__init__()
        self.fields = []
        self._in_form = False
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("id") or "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            default = "on" if kind in {"checkbox", "radio"} else ""
            self.fields.append((name, attrs.get("value", default)))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attrs, "chosen": [], "first": None}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"].append(value)

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea is not None:
            name, value = self._textarea
            # Browsers drop the newline that follows <textarea>.
            self.fields.append((name, value[1:] if value.startswith("\n") else value))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            select = self._select
            chosen = select["chosen"] or ([] if select["multiple"] else [select["first"] or ""])
            self.fields.extend((select["name"], value) for value in chosen)
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data


def form_fields(html):
    """(name, value) for every field a browser submits from the admin's main form in this HTML.

    Empty inline templates ("__prefix__") are left out, as a browser's script never sends them.
    """
    parser = _AdminFormParser()
    parser.feed(html)
    parser.close()
    return [(name, value) for name, value in parser.fields if "__prefix__" not in name]


def admin_form_data(response, **changes):
    """The POST data a browser would send from the admin form in this response, with changes applied.

    Includes every hidden field (base_version, inline management forms) and the tags field.
    """
    assert response.status_code == 200, response.status_code
    data = {}
    for name, value in form_fields(response.content.decode()):
        if name == "csrfmiddlewaretoken":
            continue
        data.setdefault(name, []).append(value)
    data = {name: values[0] if len(values) == 1 else values for name, values in data.items()}
    assert "base_version" in data, "the form has no hidden base_version"
    data.update(changes)
    return data


def change_url(page):
    opts = page._meta
    return f"/admin/{opts.app_label}/{opts.model_name}/{page.pk}/change/"
