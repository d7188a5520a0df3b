"""A development TSA: real ``openssl ts -reply`` behind a small HTTP server.

It generates (once, then reuses the files in its directory) a throwaway root CA
and a TSA certificate with the critical id-kp-timeStamping extended key usage.
Everything it produces is labelled DEVELOPMENT and is not trusted for real cases.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from pyasn1.codec.der import decoder, encoder
from pyasn1.type import univ
from pyasn1_modules import rfc3161, rfc5652

from evidence_capture.errors import ConfigError, Msg, TimestampError
from evidence_capture.timestamping.devpki import Issued, make_ca, make_tsa_cert
from evidence_capture.timestamping.devpki_sm2 import Sm2Issued, make_sm2_pki
from evidence_capture.timestamping.sm2 import is_sm2_certificate
from evidence_capture.timestamping.sm2tsa import sm2_reply
from evidence_capture.timeutil import utcnow

DEV_TSA_LABEL = "DEVELOPMENT TSA — not trusted for real cases"
DEV_TSA_MARKER = "DEVELOPMENT TSA"
DEV_POLICY_OID = "1.2.3.4.1"  # OpenSSL's documentation example arc: meaningless on purpose
_MAX_QUERY = 64 * 1024

_CONFIG = """\
# {label}
[ tsa ]
default_tsa = tsa_config

[ tsa_config ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/chain.pem
signer_key = $dir/tsa.key
signer_digest = {signer_digest}
default_policy = {policy}
digests = {digests}
accuracy = {accuracy}
clock_precision_digits = 3
ordering = no
tsa_name = {tsa_name}
ess_cert_id_chain = no
ess_cert_id_alg = {ess}
"""


def without_certificates(tsr: bytes) -> bytes:
    """The same response with the (unsigned) certificate set of its token left out, as
    TSAs that never send certificates answer.  OpenSSL's output is DER, so re-encoding
    the rest changes no byte under the signature."""
    response, _ = decoder.decode(tsr, asn1Spec=rfc3161.TimeStampResp())
    token = response["timeStampToken"]
    if not token.isValue:
        return tsr
    signed, _ = decoder.decode(bytes(token["content"]), asn1Spec=rfc5652.SignedData())
    signed["certificates"] = univ.noValue
    token["content"] = token["content"].clone(encoder.encode(signed))
    return encoder.encode(response)


def _key_type_of(cert_path: Path) -> str:
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    if is_sm2_certificate(cert):
        return "sm2"
    return "ec" if isinstance(cert.public_key(), ec.EllipticCurvePublicKey) else "rsa"


def is_dev_tsa_name(name: str) -> bool:
    """True when a TSA name (from a token) is one of our development TSAs."""
    return DEV_TSA_MARKER in name


def is_dev_tsa_certificate(cert: x509.Certificate) -> bool:
    """True for the development TSA's root, intermediate and TSA certificates: a trust
    bundle holding one means the tokens it accepts are not fit for real cases."""
    return any(DEV_TSA_MARKER in str(attr.value) for attr in cert.subject)


class DevTSA:
    """``DevTSA(directory, key_type).serve(port=0)``; also a context manager."""

    def __init__(self, directory: Path, key_type: str = "rsa", *, intermediate: bool = False,
                 digests: tuple[str, ...] = ("sha256", "sha384", "sha512"),
                 signer_digest: str = "sha256", ess_cert_id_alg: str = "sha256",
                 tsa_not_after: datetime | None = None, accuracy: str = "secs:1",
                 tsa_name: bool = True, send_certs: bool = True) -> None:
        """The keyword options are the profiles real TSAs use: ``intermediate`` (root ->
        intermediate -> TSA), ``ess_cert_id_alg="sha1"`` (ESSCertID v1), ``signer_digest``
        sha384/sha512, ``accuracy`` ("millisecs:500"), ``tsa_name=False`` (no TSA name),
        ``send_certs=False`` (responses without certificates: the signer must come from
        ``EVIDENCE_TSA_CHAIN``)."""
        if not shutil.which("openssl"):
            raise ConfigError(Msg("devtsa.no_openssl"), hint=Msg("devtsa.no_openssl.hint"))
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.key_type = key_type
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._ensure_pki(intermediate, tsa_not_after)
        self.config_path.write_text(_CONFIG.format(
            label=DEV_TSA_LABEL, dir=self.directory, signer_digest=signer_digest,
            policy=DEV_POLICY_OID, digests=", ".join(digests), ess=ess_cert_id_alg, accuracy=accuracy,
            tsa_name="yes" if tsa_name else "no"), encoding="utf-8")
        self.send_certs = send_certs

    # --- files -------------------------------------------------------------

    @property
    def ca_pem_path(self) -> Path:
        return self.directory / "root.pem"

    @property
    def config_path(self) -> Path:
        return self.directory / "openssl-ts.cnf"

    @property
    def tsa_cert_path(self) -> Path:
        return self.directory / "tsa.pem"

    @property
    def chain_path(self) -> Path:
        """Certificates the TSA puts in each token besides its own (the intermediate, if any)."""
        return self.directory / "chain.pem"

    @property
    def tsa_name(self) -> str:
        return self.tsa.cert.subject.rfc4514_string()

    def _ensure_pki(self, intermediate: bool, tsa_not_after: datetime | None) -> None:
        d = self.directory
        if (d / "tsa.pem").exists() and (d / "tsa.key").exists():
            found = _key_type_of(d / "tsa.pem")
            if found == "sm2" == self.key_type:
                self.root, self.tsa = Sm2Issued.read(d / "root.key", d / "root.pem"), Sm2Issued.read(
                    d / "tsa.key", d / "tsa.pem")
                return
            if found != self.key_type:
                raise ConfigError(Msg("devtsa.other_key_type", dir=d, found=found, key_type=self.key_type),
                                  hint=Msg("devtsa.other_key_type.hint"))
            self.root = Issued.read(d / "root.key", d / "root.pem")
            self.tsa = Issued.read(d / "tsa.key", d / "tsa.pem")
            return
        if self.key_type == "sm2":  # OpenSSL makes the certificates; sm2tsa.py signs the tokens
            self.root, self.tsa = make_sm2_pki(d, f"{DEV_TSA_MARKER} root CA (sm2) — not trusted",
                                               f"{DEV_TSA_LABEL} (sm2)")
            (d / "chain.pem").write_bytes(b"")
            (d / "serial").write_text("01\n")
            return
        self.root = make_ca(f"{DEV_TSA_MARKER} root CA ({self.key_type}) — not trusted", self.key_type)
        self.root.write(d / "root.key", d / "root.pem")
        issuer, chain = self.root, b""
        if intermediate:
            issuer = make_ca(f"{DEV_TSA_MARKER} intermediate CA ({self.key_type})", self.key_type,
                             issuer=self.root)
            issuer.write(d / "intermediate.key", d / "intermediate.pem")
            chain = (d / "intermediate.pem").read_bytes()
        self.tsa = make_tsa_cert(f"{DEV_TSA_LABEL} ({self.key_type})", self.key_type, issuer,
                                 not_after=tsa_not_after)
        self.tsa.write(d / "tsa.key", d / "tsa.pem")
        (d / "chain.pem").write_bytes(chain)
        (d / "serial").write_text("01\n")

    # --- signing -----------------------------------------------------------

    def reply(self, tsq: bytes) -> bytes:
        """Answer one DER TimeStampReq with OpenSSL, or our SM2 signer (granted or rejected)."""
        if self.key_type == "sm2":
            return self._sm2_reply(tsq)
        command = ["openssl", "ts", "-reply", "-config", str(self.config_path),
                   "-queryfile", "/dev/stdin", "-out", "/dev/stdout"]
        with self._lock:  # openssl rewrites the serial file on every reply
            done = subprocess.run(command, input=tsq, capture_output=True, timeout=30, check=False)
        if done.returncode != 0 or not done.stdout:
            raise TimestampError(Msg("devtsa.reply_failed", code=done.returncode))
        return done.stdout if self.send_certs else without_certificates(done.stdout)

    def _sm2_reply(self, tsq: bytes) -> bytes:
        with self._lock:
            serial_file = self.directory / "serial"
            serial = int(serial_file.read_text().strip() or "1", 16)
            serial_file.write_text(f"{serial + 1:02X}\n")
        tsa = self.tsa
        assert isinstance(tsa, Sm2Issued)
        reply = sm2_reply(tsq, tsa, serial=serial, policy=DEV_POLICY_OID, at=utcnow())
        return reply if self.send_certs else without_certificates(reply)

    # --- serving -----------------------------------------------------------

    @property
    def url(self) -> str:
        if self._server is None:
            raise TimestampError(Msg("devtsa.not_serving"))
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/tsa"

    def serve(self, port: int = 0, host: str = "127.0.0.1") -> "DevTSA":
        if self._server is not None:
            return self
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.1,), name="dev-tsa", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "DevTSA":
        return self.serve()

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _handler_for(tsa: DevTSA) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "evidence-capture-dev-tsa"

        def do_GET(self) -> None:  # noqa: N802 - http.server naming
            self._answer(200, "text/plain; charset=utf-8", (DEV_TSA_LABEL + "\n").encode())

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            if self.headers.get_content_type() != "application/timestamp-query":
                self._answer(415, "text/plain", b"expected application/timestamp-query\n")
            elif not 0 < length <= _MAX_QUERY:
                self._answer(413, "text/plain", b"bad request length\n")
            else:
                try:
                    body = tsa.reply(self.rfile.read(length))
                except TimestampError as exc:
                    self._answer(500, "text/plain", exc.message.encode())
                    return
                self._answer(200, "application/timestamp-reply", body)

        def _answer(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Library code never prints."""

    return Handler
