"""The sample shop answers a recording proxy's absolute-form targets (Scoop's)."""

from __future__ import annotations

import http.client

from evidence_capture.sample_shop import ShopServer


def _status(shop: ShopServer, target: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", shop.port, timeout=5)
    try:
        conn.request("GET", target)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def test_absolute_form_targets_are_served_as_their_paths() -> None:
    with ShopServer() as shop:
        assert _status(shop, shop.url("gallery")) == 200
        assert _status(shop, shop.base + "/img/product-1.svg?part=1") == 200
        assert _status(shop, shop.base) == 200
        assert _status(shop, shop.url("not_found")) == 404
        assert _status(shop, "/gallery.html") == 200
        assert shop.requests[:3] == ["/gallery.html", "/img/product-1.svg?part=1", "/"]
