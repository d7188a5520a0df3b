"""The human-readable README.txt placed in every exported bag."""

from __future__ import annotations

README = """\
Evidence package: {target}
Exported {exported_at} (UTC) by {tool} from station {fingerprint}

This folder is a BagIt bag (RFC 8493).  Everything under data/ is listed with
its SHA-256 and SHA-512 in manifest-sha256.txt and manifest-sha512.txt.

  data/package.json                 index: case, captures, manifest hashes, custody range
                                    (RFC 8785 canonical JSON)
  data/package.sig                  the exporting station's Ed25519 signature over
                                    the exact bytes of package.json (64 raw bytes)
  data/captures/<id>/               one sealed capture each (artifacts, manifest.json,
                                    manifest.sig, signer.pub.pem, timestamps/)
  data/tsa/<id>/<n>.chain.pem       certificates carried in each timestamp token
  data/keys/station-*.pub.pem       the exporting station's public key
  data/custody.jsonl                chain-of-custody events, one JSON object per line
  data/reports/<name>.pdf           printed extraction records (电子数据提取笔录), if any;
                                    listed in package.json "reports" with their SHA-256

Verify with the tool (offline; pin the key you obtained separately, never the
one shipped here):

  evidence verify PACKAGE.zip --trust-key station.pub.pem --json

Verify by hand, with plain tools:

1. Bag checksums:      bagit.py --validate <this folder>
                       (or: cd <this folder> && sha256sum -c manifest-sha256.txt)
2. A capture's files:  compare `openssl dgst -sha256 data/captures/<id>/<file>`
                       with the "sha256" listed in that capture's manifest.json
                       (SM3: `openssl dgst -sm3 <file>` where OpenSSL supports it).
3. Manifest signature (Ed25519 over the exact bytes of manifest.json):
     openssl pkeyutl -verify -pubin -inkey PINNED-station.pub.pem -rawin \\
       -in data/captures/<id>/manifest.json -sigfile data/captures/<id>/manifest.sig
4. Package index: the station's signature fixes which captures (ids and
   manifest SHA-256), which case and which custody range this package holds:
     openssl pkeyutl -verify -pubin -inkey PINNED-station.pub.pem -rawin \\
       -in data/package.json -sigfile data/package.sig
   Then every capture listed in package.json must be under data/captures/ (and
   nothing else), with the listed manifest_sha256, and custody.jsonl must run
   from "first_seq" to "last_seq", ending with "last_hash".  A package whose
   package.sig verifies only with a key shipped in data/keys/ proves nothing.
5. Timestamp tokens (RFC 3161, over SHA-256 of the exact bytes of manifest.json;
   -data hashes the manifest itself, so a token over other data fails):
     openssl ts -verify -in data/captures/<id>/timestamps/1.tsr \\
       -data data/captures/<id>/manifest.json \\
       -CAfile TRUSTED-TSA-ROOT.pem -untrusted data/tsa/<id>/1.chain.pem
     openssl ts -reply -in data/captures/<id>/timestamps/1.tsr -text
   (The .tsq request and timestamps/<n>.json are not signed: never verify
   against them.  The TSA name, genTime and serial are in the -text output.)
6. Custody: every line of custody.jsonl has "event_hash" = "sha256:" + SHA-256 of
   the RFC 8785 canonical JSON of the event without event_hash, signer and
   signature (with "schema": "{custody_schema}" added); "prev_hash" equals the
   previous line's event_hash; "signature" is Ed25519 (hex) by the station key over
   the 32 raw bytes of event_hash.  Lines with "redacted": true are links for
   events about other cases: only their hash, link and signature are shown.
   The export itself is recorded after this package was written, as an
   "exported" event holding the SHA-256 of the zip; the exporting station also
   wrote it next to the zip as <package>.zip.export-event.json.
7. Extraction records: `openssl dgst -sha256 data/reports/<name>.pdf` must equal
   the "sha256" listed for it in package.json "reports", and a "reported" event
   in custody.jsonl (about this case or one of its captures) must carry the same
   value as object.digest ("sha256:<hex>"): that event is the station's signed
   statement that this PDF is the record it printed.  A PDF under data/reports
   that is not listed, or whose hash no "reported" event carries, is not the
   record.

Browsing a captured page as it was served (web archive, WACZ):
   Each capture holds data/captures/<id>/archive.wacz, a WACZ 1.1.1 file (a zip
   with a WARC 1.1 of the page's HTTP traffic, a CDXJ index and the page list).
   It is listed in that capture's manifest.json like every artifact, so check
   its SHA-256 there first (step 2).  With the tool, offline:
     evidence replay PACKAGE.zip --capture <id> --trust-key station.pub.pem
   By hand, with ReplayWeb.page (https://replayweb.page, or a local copy of the
   npm package "replaywebpage" served from http://127.0.0.1): choose "Choose
   File...", open archive.wacz, then pick the page in the "Pages" list.  The
   replay shows only the recorded bytes; links to pages that were not captured
   show "not archived".  A WACZ opened this way has not been verified: only the
   manifest hash and signature (steps 2 and 3) say it is the sealed one.
"""
