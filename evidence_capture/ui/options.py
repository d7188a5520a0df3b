"""The options several commands share (``typer.Option`` objects), declared once.

The commands (``commands/``) use them as defaults in their signatures; their English help is the key of
the Chinese help in ``help_zh_texts.OPTIONS``.
"""

from __future__ import annotations

import typer

from evidence_capture.defaults import DEFAULTS

JSON = typer.Option(False, "--json", help="Print JSON.")
TSA_WAIT = typer.Option(10.0, "--timeout", min=0.1, help="Seconds to wait for each TSA.")
TRUST_KEY = typer.Option([], "--trust-key", help="Pinned signer public key PEM (repeatable).")
TSA_CA = typer.Option(None, "--tsa-ca", help="PEM bundle of trusted TSA roots (default: EVIDENCE_TSA_CA).")

CASE = typer.Option(None, "--case", metavar="CASE_ID",
                    help="Case number (open it first with `evidence case open`).")
OFFICER = typer.Option(
    [], "--officer", metavar="NAME:CERT_NO",
    help="Officer and enforcement-certificate number; repeat for each (two are required).")
DEVICE = typer.Option(
    DEFAULTS.device, "--device", metavar="NAME",
    help="Playwright device descriptor, e.g. 'iPhone 13' (default: desktop "
    f"{DEFAULTS.viewport_width}x{DEFAULTS.viewport_height}).")
CAPTURE_TIMEOUT = typer.Option(DEFAULTS.total_timeout, "--timeout", metavar="SECONDS",
                               min=1.0, help="Total budget per capture.")
ALLOW_PRIVATE = typer.Option(
    DEFAULTS.allow_private, "--allow-private",
    help="Allow loopback, link-local and private addresses (recorded in the capture).")
TLS_CA = typer.Option(
    DEFAULTS.tls_ca, "--tls-ca", metavar="BUNDLE",
    help="Trust this private CA (PEM bundle) for this capture: the engine checks the served "
    "chain against it (recorded in the capture).")
RECORD_TLS_ERRORS = typer.Option(
    DEFAULTS.record_tls_errors, "--record-tls-errors",
    help="Capture even when the certificate does not validate; the chain and the error are "
    "recorded and the capture is PARTIAL.")
TSA_TIMEOUT = typer.Option(10.0, "--tsa-timeout", metavar="SECONDS", min=0.1,
                           help="Seconds to wait for each TSA.")

SINGLE_OFFICER = typer.Option(
    None, "--single-officer-reason", metavar="TEXT",
    help="Capture with fewer than two officers, for this reason (recorded in the manifest).")
NO_TIMESTAMP = typer.Option(
    None, "--no-timestamp", metavar="REASON",
    help="Capture without asking any TSA, for this reason (recorded; the capture stays timestamp-pending).")
PLACE = typer.Option(None, "--place", metavar="TEXT",
                     help="Where the capture is made, e.g. the office (recorded; printed in the record).")
WITNESS = typer.Option(None, "--witness", metavar="NAME:ID",
                       help="Witness present and their ID number (recorded; printed and signed in the record).")

LICENCE_HELP = ("Also write the 亮照 (licence display) report: one CSV row per shop, from each "
                "capture's licence.json, with a summary in Chinese and English (never overwritten).")
PENDING_HELP = "Retry every timestamp-pending capture against the configured TSAs."
