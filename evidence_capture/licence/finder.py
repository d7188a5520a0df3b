"""Find the licence information in what ``collect.js`` read from a page.

Input: the visible text blocks, links and images of one page, each with its
DOM path and its box in CSS pixels of the whole page.  Output: findings,
each located (DOM path, text, box).  Licence images are recorded as images
(``unreadable``); nothing here reads text out of a picture.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from evidence_capture.licence import patterns as p
from evidence_capture.licence.uscc import check_uscc, find_candidates

COLLECT_JS = (Path(__file__).parent / "collect.js").read_text(encoding="utf-8")
FIELDS = ("uscc", "name", "address", "contact", "icp", "psb", "e_licence")
DISPLAYED, MISSING, BAD_CHECK, BAD_FORMAT, UNREADABLE = (
    "displayed", "missing", "invalid-check-digit", "invalid-format", "unreadable")
_RANK = {DISPLAYED: 0, BAD_CHECK: 1, BAD_FORMAT: 2, UNREADABLE: 3, MISSING: 4}


@dataclass(frozen=True)
class Finding:
    field: str  # one of FIELDS, or "licence_image"
    status: str
    value: str
    text: str
    dom_path: str
    box: dict[str, float]  # CSS px of the whole page
    where: str = "page"  # page | linked
    checks: dict[str, Any] = field(default_factory=dict)

    def as_record(self) -> dict[str, Any]:
        return {"field": self.field, "status": self.status, "value": self.value, "text": self.text,
                "dom_path": self.dom_path, "box_css": dict(self.box), "where": self.where,
                "checks": dict(self.checks)}


def _innermost(hits: Iterable[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    """One hit per value: the block with the shortest text holding it (the innermost element)."""
    best: dict[str, dict[str, Any]] = {}
    for value, block in hits:
        if value not in best or len(block["text"]) < len(best[value]["text"]):
            best[value] = block
    return list(best.items())


def _finding(name: str, status: str, value: str, block: dict[str, Any], where: str,
             checks: dict[str, Any] | None = None) -> Finding:
    return Finding(name, status, value, block["text"], block["path"], block["box"], where, checks or {})


def uscc_findings(blocks: list[dict[str, Any]], where: str) -> list[Finding]:
    hits = [(code, block) for block in blocks for _, code in find_candidates(block["text"])]
    found = []
    for code, block in _innermost(hits):
        check = check_uscc(code)
        status = DISPLAYED if check.valid else BAD_CHECK if not check.check_digit_ok else BAD_FORMAT
        found.append(_finding("uscc", status, code, block, where, check.as_record()))
    if not found:  # a labelled value that is not shaped like a code at all
        for value, block in _labelled(blocks, "uscc"):
            found.append(_finding("uscc", BAD_FORMAT, value, block, where,
                                  {"problems": ["length-or-charset"]}))
    return found


def _labelled(blocks: list[dict[str, Any]], name: str) -> list[tuple[str, dict[str, Any]]]:
    """(value, block holding the value) for "label：value" blocks and bare labels before a value."""
    hits = []
    for index, block in enumerate(blocks):
        value = p.labelled_value(block["text"], name)
        if value:
            hits.append((value, block))
        elif p.is_bare_label(block["text"], name) and index + 1 < len(blocks):
            following = blocks[index + 1]
            hits.append((p.cut_at_next_label(following["text"]), following))
    return _innermost(hits)


def field_findings(blocks: list[dict[str, Any]], name: str, where: str) -> list[Finding]:
    found = []
    for value, block in _labelled(blocks, name)[:1]:
        if name == "contact":
            contact = p.contact_value(value)
            status = DISPLAYED if contact else BAD_FORMAT
            found.append(_finding(name, status, contact or value, block, where))
        else:
            found.append(_finding(name, DISPLAYED if len(value) >= 2 else BAD_FORMAT, value, block, where))
    return found


def number_findings(blocks: list[dict[str, Any]], name: str, where: str) -> list[Finding]:
    """ICP 备案号 (``icp``) or 公安备案号 (``psb``): found loosely, checked strictly."""
    loose, strict = (p.ICP_LOOSE, p.ICP_STRICT) if name == "icp" else (p.PSB_LOOSE, p.PSB_STRICT)
    hits = [(match.group().strip(), block) for block in blocks for match in loose.finditer(block["text"])]
    found = []
    for value, block in _innermost(hits):
        compact = value.replace(" ", "")
        good = strict.fullmatch(value) or strict.fullmatch(compact)
        if good and name == "psb" and not p.psb_division_ok(good.group(1)):
            good = None
        found.append(_finding(name, DISPLAYED if good else BAD_FORMAT, value, block, where))
    return found


def mark_findings(links: list[dict[str, Any]], images: list[dict[str, Any]], where: str) -> list[Finding]:
    """The 电子营业执照 mark or link, and licence pictures (recorded as unreadable images)."""
    found = []
    for link in links:
        if p.E_LICENCE_HOST in link["href"] or p.E_LICENCE_TEXT in link["text"]:
            found.append(Finding("e_licence", DISPLAYED, link["href"], link["text"], link["path"],
                                 link["box"], where))
    linked = {f.value for f in found}
    for image in images:
        label = f"{image['alt']} {image['title']}".strip()
        if image["href"] and image["href"] in linked:
            continue  # the picture inside a 电子营业执照 link already found
        if p.E_LICENCE_TEXT in label or p.E_LICENCE_HOST in (image["href"] or ""):
            found.append(Finding("e_licence", DISPLAYED, image["href"] or image["src"], label,
                                 image["path"], image["box"], where, {"image": image["src"]}))
        elif p.LICENCE_IMAGE.search(f"{label} {image['src']}"):
            found.append(Finding("licence_image", UNREADABLE, image["src"], label, image["path"],
                                 image["box"], where, {"note": "a picture: recorded, not read"}))
    return found


def find_on_page(page: dict[str, Any], where: str = "page") -> list[Finding]:
    """Every finding on one collected page."""
    blocks = page["blocks"]
    found = uscc_findings(blocks, where)
    for name in ("name", "address", "contact"):
        found += field_findings(blocks, name, where)
    found += number_findings(blocks, "icp", where) + number_findings(blocks, "psb", where)
    return found + mark_findings(page["links"], page["images"], where)


def licence_link(page: dict[str, Any]) -> dict[str, Any] | None:
    """The first 营业执照 / 证照信息 link to follow (never the 电子营业执照 service itself)."""
    for link in page["links"]:
        if (p.LICENCE_LINK.search(link["text"]) and p.E_LICENCE_HOST not in link["href"]
                and p.E_LICENCE_TEXT not in link["text"] and link["href"].startswith(("http:", "https:"))):
            return link
    return None


def summarise(findings: list[Finding]) -> dict[str, Any]:
    """Per field the best status found; the overall verdict for the shop."""
    fields = {}
    images = any(f.field == "licence_image" for f in findings)
    for name in FIELDS:
        statuses = [f.status for f in findings if f.field == name]
        best = min(statuses, key=_RANK.__getitem__) if statuses else MISSING
        if best == MISSING and images and name in ("uscc", "name", "address"):
            best = UNREADABLE
        fields[name] = best
    return {"overall": _overall(fields), "fields": fields}


def _overall(fields: dict[str, str]) -> str:
    uscc = fields["uscc"]
    if uscc in (BAD_CHECK, BAD_FORMAT):
        return "invalid"
    if uscc in (UNREADABLE, MISSING):
        return uscc
    core = all(fields[name] == DISPLAYED for name in ("name", "address", "contact"))
    return "displayed" if core else "incomplete"
