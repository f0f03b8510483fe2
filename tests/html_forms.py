"""The forms of a rendered page as a browser would submit them, for tests that post them back."""

from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit


class PageForms(HTMLParser):
    """Collect the forms (method, action, fields with default values) and ?query links of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.query_keys: set[str] = set()
        self._form: dict | None = None
        self._select: str | None = None
        self._multiple = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and (attrs.get("href") or "").startswith("?"):
            self.query_keys.update(
                key for key, _value in parse_qsl(attrs["href"][1:], keep_blank_values=True)
            )
        elif tag == "form":
            self._form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action"),
                "fields": {},
            }
            self.forms.append(self._form)
        elif tag == "option" and self._select and self._form is not None:
            # As a browser submits a select: a single one its selected option (else the first),
            # a multiple one every selected option.
            fields = self._form["fields"]
            value = attrs.get("value", "")
            if self._multiple:
                if "selected" in attrs:
                    fields[self._select] = [*(fields[self._select] or []), value]
            elif fields.get(self._select) is None or "selected" in attrs:
                fields[self._select] = value
        elif self._form is None or not attrs.get("name"):
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            name = attrs["name"]
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._form["fields"][name] = attrs.get("value", "on")
                else:
                    self._form["fields"].setdefault(name, None)
            elif kind not in ("submit", "button", "image", "reset", "file"):
                self._form["fields"][name] = attrs.get("value", "")
        elif tag == "select":
            self._select = attrs["name"]
            self._multiple = "multiple" in attrs
            self._form["fields"][self._select] = None
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._form["fields"][self._textarea] = ""

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def change_form(parser: PageForms, url: str) -> dict | None:
    """The change form of an admin page: the POST form that submits to the page itself."""
    for form in parser.forms:
        action = urlsplit(form["action"] or url).path or url
        if form["method"] == "post" and action == urlsplit(url).path:
            return form
    return None
