"""The replayable web archive: a WACZ per capture (WARC 1.1 + CDXJ + pages), and replay."""
