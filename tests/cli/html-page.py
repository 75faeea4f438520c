#!/usr/bin/env python3
# What tests/cli/html*.sh ask of a page hosttune -f html wrote, with the
# standard library only:
#   html-page.py check FILE      well-formed and self-contained (exit 1 and
#                                the reasons otherwise)
#   html-page.py text FILE ID    the text of the element with id ID, entities
#                                decoded, exactly (no newline added)
#   html-page.py column FILE ID N  the text of cell N (from 0) of each row of
#                                the table inside the element ID, one a line
#   html-page.py visible FILE    FILE as a page shows it: each byte that is not
#                                valid UTF-8 as \xNN, and invisible controls
#                                (C1, bidirectional, BOM) as \uNNNN
#   html-page.py score JSON [--strict]  the score, from audit -f json's results,
#                                computed here as hosttune(8) defines it
import json
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}
# Nothing that runs or fetches: the page is one file, read offline.
FORBIDDEN = {"script", "iframe", "object", "embed", "link", "img", "audio",
             "video", "source", "base", "form", "frame", "frameset",
             "foreignobject", "image", "use"}
BIDI = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A)) | {0x200E, 0x200F}
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.errors = []
        self.ids = set()
        self.csp = 0
        self.texts = {}  # id -> list of text pieces
        self.capture = []  # ids whose element is open, with its depth

    def error(self, msg):
        self.errors.append(f"line {self.getpos()[0]}: {msg}")

    def start(self, tag, attrs, closes):
        if tag in FORBIDDEN:
            self.error(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.error(f"event handler attribute {name}")
            if name in ("src", "srcset", "action", "formaction", "background"):
                self.error(f"{name} attribute")
            if name in ("href", "xlink:href") and not (value or "").startswith("#"):
                self.error(f"{name}={value!r} leaves the page")
            if name == "style" and "url(" in (value or ""):
                self.error("url() in a style attribute")
            if name == "id":
                if value in self.ids:
                    self.error(f"id {value!r} twice")
                self.ids.add(value)
        a = dict(attrs)
        if tag == "meta" and a.get("http-equiv", "").lower() == "content-security-policy":
            self.csp += 1
            if a.get("content") != CSP:
                self.error(f"CSP is {a.get('content')!r}")
        if tag in VOID or closes:
            return
        self.stack.append(tag)
        if "id" in a:
            self.capture.append((a["id"], len(self.stack)))
            self.texts[a["id"]] = []

    def handle_starttag(self, tag, attrs):
        self.start(tag, attrs, False)

    def handle_startendtag(self, tag, attrs):
        self.start(tag, attrs, True)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.error(f"</{tag}> closes <{self.stack[-1] if self.stack else ''}>")
            return
        self.capture = [(i, d) for i, d in self.capture if d < len(self.stack)]
        self.stack.pop()

    def handle_data(self, data):
        for i, _ in self.capture:
            self.texts[i].append(data)
        if self.stack and self.stack[-1] == "style" and "url(" in data:
            self.error("url() in the style sheet")

    def handle_decl(self, decl):
        if decl.lower() != "doctype html":
            self.error(f"declaration {decl!r}")


def load(path):
    raw = open(path, "rb").read()
    problems = []
    for i, b in enumerate(raw):
        if (b < 0x20 and b not in (0x0A, 0x09)) or b == 0x7F:
            problems.append(f"raw control byte 0x{b:02x} at offset {i}")
            break
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, problems + [f"not UTF-8: {e}"]
    for ch in text:
        if ord(ch) in BIDI or 0x80 <= ord(ch) <= 0x9F:
            problems.append(f"raw invisible control U+{ord(ch):04X}")
            break
    if "<script" in text.lower():
        problems.append("'<script' in the page")
    if not text.startswith("<!DOCTYPE html>"):
        problems.append("no <!DOCTYPE html> at the start")
    p = Page()
    p.feed(text)
    p.close()
    problems += p.errors
    if p.stack:
        problems.append(f"left open: {p.stack}")
    if p.csp != 1:
        problems.append(f"{p.csp} Content-Security-Policy metas")
    return p, problems


INVISIBLE = BIDI | set(range(0x80, 0xA0)) | {0x61C, 0x2028, 0x2029, 0xFEFF}


def visible(raw):
    out = []
    text = raw.decode("utf-8", errors="surrogateescape")
    for ch in text:
        o = ord(ch)
        if 0xDC80 <= o <= 0xDCFF:  # a byte that was not UTF-8
            out.append(f"\\x{o - 0xDC00:02x}")
        elif o in INVISIBLE:
            out.append(f"\\u{o:04x}")
        else:
            out.append(ch)
    return "".join(out)


def main():
    cmd = sys.argv[1]
    if cmd == "score":
        d = json.load(open(sys.argv[2]))
        strict = "--strict" in sys.argv[3:]
        w = {"high": 3, "medium": 2, "low": 1}
        ok = judged = 0
        for r in d["results"]:
            if r["status"] == "missing" and not strict:
                continue
            weight = w.get(r.get("impact"), 1)
            judged += weight
            ok += weight if r["status"] == "ok" else 0
        print(f"{ok * 100 // judged}%" if judged else "n/a")
        return 0
    if cmd == "visible":
        sys.stdout.buffer.write(visible(open(sys.argv[2], "rb").read()).encode())
        return 0
    page, problems = load(sys.argv[2])
    if cmd == "check":
        for msg in problems:
            print(msg)
        return 1 if problems else 0
    if page is None:
        return 1
    if cmd == "text":
        sys.stdout.buffer.write("".join(page.texts.get(sys.argv[3], [])).encode())
        return 0
    if cmd == "column":
        want = int(sys.argv[4])

        class Cells(HTMLParser):
            def __init__(self):
                super().__init__(convert_charrefs=True)
                self.inside = 0
                self.depth = 0
                self.row = None
                self.cell = None

            def handle_starttag(self, tag, attrs):
                if tag in VOID:
                    return
                self.depth += 1
                if dict(attrs).get("id") == sys.argv[3]:
                    self.inside = self.depth
                if not self.inside:
                    return
                if tag == "tr":
                    self.row = []
                elif tag == "td" and self.row is not None:
                    self.cell = []

            def handle_endtag(self, tag):
                if tag in VOID:
                    return
                if self.inside and tag == "td" and self.cell is not None:
                    self.row.append("".join(self.cell))
                    self.cell = None
                elif self.inside and tag == "tr" and self.row:
                    print(self.row[want] if want < len(self.row) else "")
                    self.row = None
                if self.depth == self.inside:
                    self.inside = 0
                self.depth -= 1

            def handle_data(self, data):
                if self.cell is not None:
                    self.cell.append(data)

        Cells().feed(open(sys.argv[2], encoding="utf-8").read())
        return 0
    print(f"unknown command {cmd}", file=sys.stderr)
    return 2


sys.exit(main())
