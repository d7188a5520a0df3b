"""The bundled sample shop: static pages served by a stdlib server on port 0.

Used by the tests, ``make demo`` and the benchmark.  ``ShopServer`` is a
context manager; ``ShopServer(https=True)`` serves the same pages over TLS
with a throwaway test CA (``server.ca_pem``).
"""

from evidence_capture.sample_shop.server import PAGES, ShopServer

__all__ = ["PAGES", "ShopServer"]
