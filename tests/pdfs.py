"""Reading the PDFs the portal produces, as a person (text) and as assistive technology (structure)."""

import io
import re
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject


def pdf_text(content: bytes) -> str:
    """Return the text of every page, lines joined with spaces (what a person reads)."""
    pages = PdfReader(io.BytesIO(content)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


def pdf_page_texts(content: bytes) -> list[str]:
    return [
        re.sub(r"\s+", " ", page.extract_text()).strip()
        for page in PdfReader(io.BytesIO(content)).pages
    ]


@dataclass
class Element:
    """One node of the PDF structure tree: its type (Table, TR, TH, P, H1, Figure, ...) and children."""

    type: str
    attributes: dict = field(default_factory=dict)
    children: list["Element"] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def find_all(self, type_: str) -> list["Element"]:
        return [element for element in self.walk() if element.type == type_]


@dataclass
class TaggedPdf:
    marked: bool
    lang: str
    title: str
    display_title: bool
    pdfua_part: str
    root: Element | None

    def types(self) -> set[str]:
        return {element.type for element in self.root.walk()} if self.root else set()


def _element(node) -> Element | None:
    node = node.get_object() if isinstance(node, IndirectObject) else node
    if not isinstance(node, DictionaryObject) or "/S" not in node:
        return None  # a marked-content id or an object reference: content, not structure
    kids = node.get("/K", [])
    kids = kids if isinstance(kids, ArrayObject) else [kids]
    element = Element(
        type=str(node["/S"]).lstrip("/"),
        attributes={k: node[k] for k in ("/Alt", "/A") if k in node},
    )
    element.children = [child for child in (_element(kid) for kid in kids) if child is not None]
    return element


def pdf_structure(content: bytes) -> TaggedPdf:
    """Read what a screen reader relies on: tagging, language, title and the structure tree."""
    reader = PdfReader(io.BytesIO(content))
    catalog = reader.trailer["/Root"]
    tree = catalog.get("/StructTreeRoot")
    root = None
    if tree is not None:
        tree = tree.get_object()
        kids = tree["/K"]
        kids = kids if isinstance(kids, ArrayObject) else [kids]
        root = Element(
            type="StructTreeRoot", children=[e for e in (_element(kid) for kid in kids) if e]
        )
    metadata = reader.xmp_metadata
    pdfua_part = ""
    if metadata is not None:
        found = re.search(rb"pdfuaid:part[^0-9]{0,3}(\d)", metadata.stream.get_data())
        pdfua_part = found.group(1).decode() if found else ""
    return TaggedPdf(
        marked=bool(catalog.get("/MarkInfo", {}).get("/Marked", False)),
        lang=str(catalog.get("/Lang", "")),
        title=str((reader.metadata or {}).get("/Title", "")),
        display_title=bool(catalog.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)),
        pdfua_part=pdfua_part,
        root=root,
    )


def assert_accessible_pdf(content: bytes, *, title_contains: str) -> TaggedPdf:
    """Assert what `pdfinfo` reports as "Tagged: yes" plus PDF/UA-1 identification, title and language."""
    tagged = pdf_structure(content)
    assert tagged.marked, "the PDF is not tagged (/MarkInfo /Marked is not true)"
    assert tagged.root is not None and tagged.root.children, "the PDF has no structure tree"
    assert tagged.lang == "pl", tagged.lang
    assert title_contains in tagged.title, tagged.title
    assert tagged.display_title, "viewers would show the file name instead of the title"
    assert tagged.pdfua_part == "1", "the PDF does not declare PDF/UA-1"
    assert {"H1", "P"} <= tagged.types(), tagged.types()
    return tagged
