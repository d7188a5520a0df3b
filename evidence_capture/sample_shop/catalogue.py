"""A small product catalogue whose pages a test or the demo can change between two captures.

``ShopServer.catalogue`` holds the items; ``set_price``, ``delist`` (the page
stays, saying 该商品已下架) and ``delete`` (HTTP 404, or 410 with
``gone=True``) switch one item server-side, ``reset`` brings every item back.
Each page carries a fresh session id (cookie and ``<meta>``, never visible
text), so two captures of an unchanged item differ in bytes but not in what
a person sees.
"""

from __future__ import annotations

import html
import secrets
import threading
from dataclasses import dataclass, replace

PREFIX = "/catalogue/"


@dataclass(frozen=True)
class Item:
    slug: str
    title: str
    price: str
    was: str
    blurb: str
    state: str = "listed"  # listed | delisted | deleted | gone


_ITEMS = (
    Item("tea", "特级西湖龙井茶 250g 礼盒装", "1,288.00", "2,588.00",
         "明前头采，产地浙江杭州西湖区。月销量：3,200 件。"),
    Item("pot", "手工紫砂壶 300ml", "699.00", "899.00", "宜兴原矿紫泥，全手工制作。"),
)


class Catalogue:
    """Thread-safe item states behind ``/catalogue/<slug>.html``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items = {item.slug: item for item in _ITEMS}

    def _change(self, slug: str, **changes: str) -> None:
        with self._lock:
            self._items[slug] = replace(self._items[slug], **changes)

    def set_price(self, slug: str, price: str) -> None:
        self._change(slug, price=price)

    def delist(self, slug: str) -> None:
        self._change(slug, state="delisted")

    def delete(self, slug: str, *, gone: bool = False) -> None:
        self._change(slug, state="gone" if gone else "deleted")

    def reset(self) -> None:
        with self._lock:
            self._items = {item.slug: item for item in _ITEMS}

    def page(self, path: str) -> tuple[int, str, str]:
        """(status, HTML, session id) for a request path under ``/catalogue/``."""
        slug = path[len(PREFIX):].removesuffix(".html")
        with self._lock:
            item = self._items.get(slug)
        session = secrets.token_hex(8)
        if item is None or item.state == "deleted":
            return 404, _document("页面不存在", "<h1>404 页面不存在</h1>", session), session
        if item.state == "gone":
            return 410, _document("商品已删除", "<h1>410 该商品已删除</h1>", session), session
        if item.state == "delisted":
            body = "<h1>该商品已下架</h1><p>您访问的商品已下架，请浏览店铺其他商品。</p>"
            return 200, _document("商品已下架", body, session), session
        return 200, _document(item.title, _item_body(item), session), session


def _item_body(item: Item) -> str:
    e = html.escape
    return (f"<h1>{e(item.title)}</h1>\n"
            f'<div class="gallery"><img src="/img/product-1.svg" alt="主图"></div>\n'
            f'<p class="price">¥ {e(item.price)} <del>¥ {e(item.was)}</del></p>\n'
            f"<p>{e(item.blurb)}</p>\n"
            '<p>店铺：<a href="/licence/linked.html">龙井茶官方旗舰店</a></p>')


def _document(title: str, body: str, session: str) -> str:
    return ('<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="session-id" content="{session}"><title>{html.escape(title)}</title>'
            '<link rel="stylesheet" href="/style.css"></head>\n'
            f"<body>\n{body}\n</body></html>\n")
