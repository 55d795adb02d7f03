"""Reading figures back out of a rendered HTML report (stdlib only)."""

from html.parser import HTMLParser


class SourcedCells(HTMLParser):
    """Collects (data-source, visible text) of every element that carries data-source, plus
    tables by data-table and images."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, str]] = []
        self.images: list[str] = []
        self._open: list[tuple[str, str | None, list[str]]] = []
        self._in_sup = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "img":
            self.images.append(attributes.get("src", ""))
            return
        if tag == "sup":
            self._in_sup += 1
        self._open.append((tag, attributes.get("data-source"), []))

    def handle_endtag(self, tag):
        if tag == "sup":
            self._in_sup -= 1
        while self._open:
            open_tag, source, parts = self._open.pop()
            if open_tag == tag:
                if source is not None:
                    self.cells.append((source, "".join(parts).strip()))
                return

    def handle_data(self, data):
        if self._in_sup:
            return
        for _tag, source, parts in self._open:
            if source is not None:
                parts.append(data)


def sourced_cells(html: str) -> SourcedCells:
    parser = SourcedCells()
    parser.feed(html)
    return parser
