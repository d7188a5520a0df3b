"""verify_token on real OpenSSL tokens: good ones pass (and OpenSSL agrees),
every bad one fails with the exact check named."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest
import rfc3161ng
from cryptography import x509
from pyasn1.codec.der import decoder, encoder
from pyasn1_modules import rfc3161, rfc5652

from evidence_capture.errors import ConfigError, VerificationError
from evidence_capture.timestamping import request_timestamp, verify_token
from evidence_capture.timestamping.client import build_request
from evidence_capture.timestamping.devpki import make_tsa_cert
from evidence_capture.timestamping.devtsa import DevTSA, is_dev_tsa_name
from evidence_capture.timestamping.models import token_check_states
from evidence_capture.timestamping.tokens import parse_response, parse_token
from evidence_capture.timeutil import utcnow
from tests.fixtures_tsa import EXPIRY_LEAD, edit_signed_data, flip_signature_byte, load_roots, resign_token, set_certificates

pytestmark = pytest.mark.tsa

DIGEST = hashlib.sha256(b"manifest bytes").digest()
SM2_WITH_SM3 = "1.2.156.10197.1.501"


def _token(tsa: DevTSA, digest: bytes = DIGEST):  # type: ignore[no-untyped-def]
    return request_timestamp(tsa.url, digest, timeout=10)


def _openssl_verify(tmp_path: Path, exchange, ca: Path) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    (tmp_path / "t.tsq").write_bytes(exchange.tsq)
    (tmp_path / "t.tsr").write_bytes(exchange.tsr)
    return subprocess.run(
        ["openssl", "ts", "-verify", "-queryfile", str(tmp_path / "t.tsq"),
         "-in", str(tmp_path / "t.tsr"), "-CAfile", str(ca)],
        capture_output=True, text=True, check=False)


@pytest.mark.parametrize("name", ["tsa_rsa", "tsa_ec"])
def test_genuine_token_verifies_and_openssl_agrees(name: str, request, tmp_path: Path) -> None:
    tsa: DevTSA = request.getfixturevalue(name)
    exchange = _token(tsa)
    info = verify_token(exchange.tsr, digest=DIGEST, nonce=exchange.nonce,
                        roots=load_roots(tsa.ca_pem_path))
    assert info.nonce == exchange.nonce
    assert info.message_imprint == "sha256:" + DIGEST.hex()
    assert info.policy_oid == "1.2.3.4.1"
    assert is_dev_tsa_name(info.tsa_name)
    assert info.signer_fingerprint.startswith("sha256:") and len(info.signer_fingerprint) == 71
    assert info.gen_time.tzinfo is not None
    assert len(info.chain_pems) == 2
    expected = "rsa-sha256" if name == "tsa_rsa" else "ecdsa-with-SHA256"
    assert info.signature_algorithm == expected
    checked = _openssl_verify(tmp_path, exchange, tsa.ca_pem_path)
    assert checked.returncode == 0, checked.stderr
    assert "Verification: OK" in checked.stdout


def test_intermediate_chain_token_passes(tsa_intermediate: DevTSA, tmp_path: Path) -> None:
    exchange = _token(tsa_intermediate)
    info = verify_token(exchange.tsr, digest=DIGEST, nonce=exchange.nonce,
                        roots=load_roots(tsa_intermediate.ca_pem_path))
    assert len(info.chain_pems) == 3  # TSA, intermediate carried in the token, root
    checked = _openssl_verify(tmp_path, exchange, tsa_intermediate.ca_pem_path)
    assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize("pinned", ["intermediate.pem", "tsa.pem"])
def test_pinned_intermediate_or_tsa_certificate_is_a_trust_anchor(tsa_intermediate: DevTSA, pinned: str,
                                                                  tmp_path: Path) -> None:
    """Like openssl -partial_chain: a certificate configured in --ca anchors the chain itself."""
    exchange = _token(tsa_intermediate)
    info = verify_token(exchange.tsr, digest=DIGEST, nonce=exchange.nonce,
                        roots=load_roots(tsa_intermediate.directory / pinned))
    assert len(info.chain_pems) == (2 if pinned == "intermediate.pem" else 1)
    (tmp_path / "t.tsq").write_bytes(exchange.tsq)
    (tmp_path / "t.tsr").write_bytes(exchange.tsr)
    checked = subprocess.run(
        ["openssl", "ts", "-verify", "-queryfile", str(tmp_path / "t.tsq"), "-in", str(tmp_path / "t.tsr"),
         "-CAfile", str(tsa_intermediate.directory / pinned), "-partial_chain"],
        capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr


def test_attack_token_over_different_digest(tsa_rsa: DevTSA) -> None:
    exchange = _token(tsa_rsa, hashlib.sha256(b"other bytes").digest())
    with pytest.raises(VerificationError) as caught:
        verify_token(exchange.tsr, digest=DIGEST, nonce=exchange.nonce, roots=load_roots(tsa_rsa.ca_pem_path))
    assert caught.value.check == "tsa.imprint"


def test_attack_replayed_token_wrong_nonce(tsa_rsa: DevTSA) -> None:
    exchange = _token(tsa_rsa)
    with pytest.raises(VerificationError) as caught:
        verify_token(exchange.tsr, digest=DIGEST, nonce=exchange.nonce ^ 1, roots=load_roots(tsa_rsa.ca_pem_path))
    assert caught.value.check == "tsa.nonce"


def test_attack_untrusted_root(tsa_untrusted: DevTSA, tsa_rsa: DevTSA) -> None:
    exchange = _token(tsa_untrusted)
    with pytest.raises(VerificationError) as caught:
        verify_token(exchange.tsr, digest=DIGEST, nonce=exchange.nonce, roots=load_roots(tsa_rsa.ca_pem_path))
    assert caught.value.check == "tsa.chain"


@pytest.mark.parametrize("name", ["tsa_no_eku", "tsa_noncritical_eku"])
def test_attack_tsa_certificate_without_critical_eku(name: str, request, tmp_path: Path) -> None:
    tsa: DevTSA = request.getfixturevalue(name)
    exchange = _token(tsa)
    with pytest.raises(VerificationError) as caught:
        verify_token(exchange.tsr, digest=DIGEST, nonce=exchange.nonce, roots=load_roots(tsa.ca_pem_path))
    assert caught.value.check == "tsa.eku"
    # OpenSSL refuses it too, for the certificate's purpose.
    checked = _openssl_verify(tmp_path, exchange, tsa.ca_pem_path)
    assert checked.returncode != 0


def test_attack_tampered_tsr_byte(tsa_ec: DevTSA) -> None:
    exchange = _token(tsa_ec)
    with pytest.raises(VerificationError) as caught:
        verify_token(flip_signature_byte(exchange.tsr), digest=DIGEST, nonce=exchange.nonce,
                     roots=load_roots(tsa_ec.ca_pem_path))
    assert caught.value.check == "tsa.signature"


def test_no_roots_is_a_configuration_error(tsa_rsa: DevTSA) -> None:
    exchange = _token(tsa_rsa)
    with pytest.raises(ConfigError):
        verify_token(exchange.tsr, digest=DIGEST, nonce=exchange.nonce, roots=[])


def _sha1_request(digest: bytes, nonce: int) -> bytes:
    request = rfc3161ng.make_timestamp_request(digest=digest, hashname="sha1",
                                               include_tsa_certificate=True, nonce=nonce)
    return rfc3161ng.encode_timestamp_request(request)


def test_attack_sha1_imprint_refused(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A TSA that still accepts SHA-1 requests: its genuine token is refused."""
    tsa = DevTSA(tmp_path_factory.mktemp("tsa-sha1"), "rsa", digests=("sha1", "sha256"))
    digest = hashlib.sha1(b"manifest bytes").digest()  # noqa: S324 - the attack under test
    tsr = tsa.reply(_sha1_request(digest, 77))
    with pytest.raises(VerificationError) as caught:
        verify_token(tsr, digest=digest, nonce=77, roots=load_roots(tsa.ca_pem_path), hash_name="sha1")
    assert caught.value.check == "tsa.algorithm"
    assert "SHA-1" in caught.value.message


def test_attack_sha1_signature_refused(tmp_path_factory: pytest.TempPathFactory) -> None:
    tsa = DevTSA(tmp_path_factory.mktemp("tsa-sha1-sig"), "rsa", signer_digest="sha1")
    tsr = tsa.reply(build_request(DIGEST, 78))
    with pytest.raises(VerificationError) as caught:
        verify_token(tsr, digest=DIGEST, nonce=78, roots=load_roots(tsa.ca_pem_path))
    assert caught.value.check == "tsa.algorithm"


def test_expired_now_but_valid_at_gen_time_passes(expiring_tsa) -> None:  # type: ignore[no-untyped-def]
    tsa = expiring_tsa(EXPIRY_LEAD)
    exchange = _token(tsa)
    tsa.wait_until_expired()
    assert tsa.tsa.cert.not_valid_after_utc < utcnow()
    info = verify_token(exchange.tsr, digest=DIGEST, nonce=exchange.nonce, roots=load_roots(tsa.ca_pem_path))
    assert info.gen_time <= tsa.tsa.cert.not_valid_after_utc


def test_attack_certificate_expired_at_gen_time(expiring_tsa) -> None:  # type: ignore[no-untyped-def]
    tsa = expiring_tsa(0.0)
    tsa.wait_until_expired()
    exchange = _token(tsa)  # OpenSSL signs with an expired certificate; we must not accept it
    with pytest.raises(VerificationError) as caught:
        verify_token(exchange.tsr, digest=DIGEST, nonce=exchange.nonce, roots=load_roots(tsa.ca_pem_path))
    assert caught.value.check == "tsa.chain"
    assert "not valid at genTime" in caught.value.message


def _with_status(tsr: bytes, status: int) -> bytes:
    response, _ = decoder.decode(tsr, asn1Spec=rfc3161.TimeStampResp())
    response["status"]["status"] = status
    return encoder.encode(response)


def test_granted_with_mods_passes(tsa_rsa: DevTSA) -> None:
    exchange = _token(tsa_rsa)
    tsr = _with_status(exchange.tsr, 1)
    info = verify_token(tsr, digest=DIGEST, nonce=exchange.nonce, roots=load_roots(tsa_rsa.ca_pem_path))
    assert info.nonce == exchange.nonce


def test_attack_status_waiting_with_a_valid_token(tsa_rsa: DevTSA) -> None:
    exchange = _token(tsa_rsa)
    with pytest.raises(VerificationError) as caught:
        verify_token(_with_status(exchange.tsr, 3), digest=DIGEST, nonce=exchange.nonce,
                     roots=load_roots(tsa_rsa.ca_pem_path))
    assert caught.value.check == "tsa.status"


def test_rejection_reply_fails_status(tsa_rejecting: DevTSA) -> None:
    tsr = tsa_rejecting.reply(build_request(DIGEST, 5))
    with pytest.raises(VerificationError) as caught:
        verify_token(tsr, digest=DIGEST, nonce=5, roots=load_roots(tsa_rejecting.ca_pem_path))
    assert caught.value.check == "tsa.status"
    assert "badAlg" in caught.value.message


def test_attack_garbage_is_not_a_token(tsa_rsa: DevTSA) -> None:
    with pytest.raises(VerificationError) as caught:
        verify_token(b"\x30\x03garbage", digest=DIGEST, nonce=None, roots=load_roots(tsa_rsa.ca_pem_path))
    assert caught.value.check == "tsa.format"


def test_attack_every_flipped_byte_fails(tsa_ec: DevTSA) -> None:
    """No single-byte change anywhere in a .tsr yields a passing token (sampled every 5th byte)."""
    exchange = _token(tsa_ec)
    roots = load_roots(tsa_ec.ca_pem_path)
    seen: set[str] = set()
    for at in range(0, len(exchange.tsr), 5):
        flipped = exchange.tsr[:at] + bytes([exchange.tsr[at] ^ 0x5A]) + exchange.tsr[at + 1 :]
        with pytest.raises(VerificationError) as caught:
            verify_token(flipped, digest=DIGEST, nonce=exchange.nonce, roots=roots)
        seen.add(caught.value.check)
    assert {"tsa.format", "tsa.signature"} <= seen


def test_attack_signer_swapped_but_ess_names_the_real_tsa(tsa_rsa: DevTSA) -> None:
    """Someone holding another certificate under the same trusted root re-signs a token
    (a valid signature by a timeStamping key), but the signed ESSCertID still names the TSA."""
    other = make_tsa_cert("another timeStamping key", "rsa", tsa_rsa.root)
    exchange = _token(tsa_rsa)
    forged = resign_token(exchange.tsr, other, update_ess=False)
    with pytest.raises(VerificationError) as caught:
        verify_token(forged, digest=DIGEST, nonce=exchange.nonce, roots=load_roots(tsa_rsa.ca_pem_path))
    assert caught.value.check == "tsa.ess_cert_id"


def test_attack_decoy_certificate_first_in_the_bag(tsa_rsa: DevTSA) -> None:
    """The signer is found through SignerInfo, never by its position in the certificate bag."""
    decoy = make_tsa_cert("decoy TSA", "rsa", tsa_rsa.root).cert
    exchange = _token(tsa_rsa)
    genuine = verify_token(exchange.tsr, digest=DIGEST, nonce=exchange.nonce, roots=load_roots(tsa_rsa.ca_pem_path))
    real = x509.load_pem_x509_certificate(tsa_rsa.tsa_cert_path.read_bytes())
    shuffled = edit_signed_data(exchange.tsr, lambda signed: set_certificates(signed, [decoy, real]))
    info = verify_token(shuffled, digest=DIGEST, nonce=exchange.nonce, roots=load_roots(tsa_rsa.ca_pem_path))
    assert info.signer_fingerprint == genuine.signer_fingerprint


def test_attack_token_without_signer_certificate(tsa_rsa: DevTSA) -> None:
    request = rfc3161ng.make_timestamp_request(digest=DIGEST, hashname="sha256",
                                               include_tsa_certificate=False, nonce=9)
    tsr = tsa_rsa.reply(rfc3161ng.encode_timestamp_request(request))
    with pytest.raises(VerificationError) as caught:
        verify_token(tsr, digest=DIGEST, nonce=9, roots=load_roots(tsa_rsa.ca_pem_path))
    assert caught.value.check == "tsa.signature"
    assert "certReq" in (caught.value.hint or "")


def test_attack_rsa_token_relabelled_as_sm2(tsa_rsa: DevTSA) -> None:
    """The SM2 plug-in checks an SM2 key: an RSA signature relabelled SM2-with-SM3 fails."""

    def to_sm2(signed) -> None:  # type: ignore[no-untyped-def]
        signed["signerInfos"][0]["signatureAlgorithm"]["algorithm"] = SM2_WITH_SM3

    exchange = _token(tsa_rsa)
    tsr = edit_signed_data(exchange.tsr, to_sm2)
    with pytest.raises(VerificationError) as caught:
        verify_token(tsr, digest=DIGEST, nonce=exchange.nonce, roots=load_roots(tsa_rsa.ca_pem_path))
    assert caught.value.check == "tsa.algorithm"  # an SM2 signature needs an SM3 SignerInfo digest


def test_check_states_never_report_unchecked_as_pass() -> None:
    states = token_check_states("tsa.imprint", nonce_checked=True)
    assert states["tsa.status"] == "pass" and states["tsa.imprint"] == "fail"
    assert states["tsa.chain"] == "not-checked" and states["tsa.nonce"] == "not-checked"
    assert token_check_states(None, nonce_checked=False)["tsa.nonce"] == "not-checked"
    assert set(token_check_states(None, nonce_checked=True).values()) == {"pass"}
    with pytest.raises(ValueError):
        token_check_states("tsa.unknown", nonce_checked=True)


def test_ess_cert_id_v1_token_verifies(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Many TSAs still send ESSCertID v1 (SHA-1 names the certificate; RFC 5816 allows it)."""
    tsa = DevTSA(tmp_path_factory.mktemp("tsa-ess1"), "ec", ess_cert_id_alg="sha1")
    tsr = tsa.reply(build_request(DIGEST, 11))
    assert "1.2.840.113549.1.9.16.2.12" in parse_token(parse_response(tsr).token or b"").signer.attributes
    info = verify_token(tsr, digest=DIGEST, nonce=11, roots=load_roots(tsa.ca_pem_path))
    assert info.nonce == 11


def test_sha512_imprint_verifies_when_expected(tsa_rsa: DevTSA) -> None:
    digest = hashlib.sha512(b"manifest bytes").digest()
    exchange = request_timestamp(tsa_rsa.url, digest, timeout=10, hash_name="sha512")
    info = verify_token(exchange.tsr, digest=digest, nonce=exchange.nonce,
                        roots=load_roots(tsa_rsa.ca_pem_path), hash_name="sha512")
    assert info.message_imprint.startswith("sha512:")
    with pytest.raises(VerificationError) as caught:
        verify_token(exchange.tsr, digest=DIGEST, nonce=exchange.nonce, roots=load_roots(tsa_rsa.ca_pem_path))
    assert caught.value.check == "tsa.imprint"


def _resign_edited(tsr: bytes, tsa: DevTSA, edit) -> bytes:  # type: ignore[no-untyped-def]
    """Let ``edit`` change the SignedData, then sign the signed attributes again with the
    TSA's own key: the only defect left is the edit itself."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    def change(signed) -> None:  # type: ignore[no-untyped-def]
        edit(signed)
        info = signed["signerInfos"][0]
        attrs = encoder.encode(info["signedAttrs"])
        info["signature"] = tsa.tsa.key.sign(b"\x31" + attrs[1:], padding.PKCS1v15(), hashes.SHA256())

    return edit_signed_data(tsr, change)


def _openssl_rejects(tmp_path: Path, tsr: bytes, ca: Path) -> bool:
    (tmp_path / "x.tsr").write_bytes(tsr)
    done = subprocess.run(["openssl", "ts", "-verify", "-digest", DIGEST.hex(), "-in", str(tmp_path / "x.tsr"),
                           "-CAfile", str(ca)], capture_output=True, check=False)
    return done.returncode != 0


def test_attack_token_without_signing_certificate_attribute(tsa_rsa: DevTSA, tmp_path: Path) -> None:
    def drop_ess(signed) -> None:  # type: ignore[no-untyped-def]
        attrs = signed["signerInfos"][0]["signedAttrs"]
        kept = [a for a in attrs if str(a["attrType"]) not in ("1.2.840.113549.1.9.16.2.47",
                                                                  "1.2.840.113549.1.9.16.2.12")]
        attrs.clear()
        for attribute in kept:
            attrs.append(attribute)

    exchange = _token(tsa_rsa)
    tsr = _resign_edited(exchange.tsr, tsa_rsa, drop_ess)
    with pytest.raises(VerificationError) as caught:
        verify_token(tsr, digest=DIGEST, nonce=exchange.nonce, roots=load_roots(tsa_rsa.ca_pem_path))
    assert caught.value.check == "tsa.ess_cert_id"
    assert _openssl_rejects(tmp_path, tsr, tsa_rsa.ca_pem_path)


def test_attack_token_with_two_signer_infos(tsa_rsa: DevTSA, tmp_path: Path) -> None:
    """A second SignerInfo (here a copy of the genuine one) is refused, whoever signed it."""
    def add_signer(signed) -> None:  # type: ignore[no-untyped-def]
        signed["signerInfos"].append(signed["signerInfos"][0])

    exchange = _token(tsa_rsa)
    tsr = edit_signed_data(exchange.tsr, add_signer)
    with pytest.raises(VerificationError) as caught:
        verify_token(tsr, digest=DIGEST, nonce=exchange.nonce, roots=load_roots(tsa_rsa.ca_pem_path))
    assert caught.value.check == "tsa.signature" and "SignerInfos" in caught.value.message


def test_attack_econtent_type_is_not_tstinfo(tsa_rsa: DevTSA, tmp_path: Path) -> None:
    """Signed content relabelled id-data (attribute and eContentType both, re-signed)."""
    id_data = "1.2.840.113549.1.7.1"

    def relabel(signed) -> None:  # type: ignore[no-untyped-def]
        signed["encapContentInfo"]["eContentType"] = rfc3161.univ.ObjectIdentifier(id_data)
        for attribute in signed["signerInfos"][0]["signedAttrs"]:
            if str(attribute["attrType"]) == "1.2.840.113549.1.9.3":
                attribute["attrValues"][0] = rfc3161.univ.ObjectIdentifier(id_data)

    exchange = _token(tsa_rsa)
    tsr = _resign_edited(exchange.tsr, tsa_rsa, relabel)
    with pytest.raises(VerificationError) as caught:
        verify_token(tsr, digest=DIGEST, nonce=exchange.nonce, roots=load_roots(tsa_rsa.ca_pem_path))
    assert caught.value.check == "tsa.signature" and "not TSTInfo" in caught.value.message
    assert _openssl_rejects(tmp_path, tsr, tsa_rsa.ca_pem_path)


def test_attack_md5_imprint_refused(tmp_path_factory: pytest.TempPathFactory) -> None:
    tsa = DevTSA(tmp_path_factory.mktemp("tsa-md5"), "rsa", digests=("md5", "sha256"))
    digest = hashlib.md5(b"manifest bytes").digest()  # noqa: S324 - the attack under test
    query = subprocess.run(["openssl", "ts", "-query", "-digest", digest.hex(), "-md5", "-cert"],
                           capture_output=True, check=True).stdout
    tsr = tsa.reply(query)
    with pytest.raises(VerificationError) as caught:
        verify_token(tsr, digest=digest, nonce=None, roots=load_roots(tsa.ca_pem_path), hash_name=None)
    assert caught.value.check == "tsa.algorithm" and "MD5" in caught.value.message


def test_attribute_certificate_in_the_bag_is_ignored(tsa_rsa: DevTSA) -> None:
    """An attribute certificate (v2AttrCert) beside the TSA certificate: ignored safely."""
    from pyasn1_modules import rfc5755

    def add_attribute_cert(signed) -> None:  # type: ignore[no-untyped-def]
        attr_cert = rfc5755.AttributeCertificate()
        info = attr_cert["acinfo"]
        info["version"] = 1
        info["holder"]["entityName"].append(_directory_name(signed))
        info["issuer"]["v2Form"]["issuerName"].append(_directory_name(signed))
        info["signature"]["algorithm"] = rfc3161.univ.ObjectIdentifier("1.2.840.113549.1.1.11")
        info["serialNumber"] = 7
        info["attrCertValidityPeriod"]["notBeforeTime"] = "20260101000000Z"
        info["attrCertValidityPeriod"]["notAfterTime"] = "20360101000000Z"
        attr_cert["signatureAlgorithm"]["algorithm"] = rfc3161.univ.ObjectIdentifier("1.2.840.113549.1.1.11")
        attr_cert["signatureValue"] = rfc3161.univ.BitString(hexValue="00")
        der = encoder.encode(attr_cert)  # v2AttrCert is [2] IMPLICIT: retag the SEQUENCE
        choice, _ = decoder.decode(b"\xa2" + der[1:], asn1Spec=rfc5652.CertificateChoices())
        assert choice.getName() == "v2AttrCert"
        signed["certificates"].append(choice)

    exchange = _token(tsa_rsa)
    tsr = edit_signed_data(exchange.tsr, add_attribute_cert)
    info = verify_token(tsr, digest=DIGEST, nonce=exchange.nonce, roots=load_roots(tsa_rsa.ca_pem_path))
    assert info.nonce == exchange.nonce


def _directory_name(signed):  # type: ignore[no-untyped-def]
    from pyasn1_modules import rfc5280

    general = rfc5280.GeneralName()
    subject = signed["certificates"][0]["certificate"]["tbsCertificate"]["subject"]
    general["directoryName"]["rdnSequence"] = subject["rdnSequence"]
    return general


def test_signed_attributes_are_verified_as_received_not_re_encoded(tsa_rsa: DevTSA) -> None:
    """A TSA whose signed attributes are not in DER SET OF order signs them as it sent
    them; re-encoding (sorting) would verify bytes it never signed."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    from evidence_capture.timestamping import ber

    exchange = _token(tsa_rsa)
    tsr = exchange.tsr
    token = ber.element(tsr, ber.children(tsr, ber.element(tsr))[1].start)
    signed = ber.children(tsr, ber.children(tsr, ber.children(tsr, token)[1])[0])[-1]
    first = ber.children(tsr, signed)[0]
    attrs = next(c for c in ber.children(tsr, first) if c.tag == 0xA0)
    parts = [c.raw(tsr) for c in ber.children(tsr, attrs)]
    body = b"".join(reversed(parts))
    assert body != b"".join(parts)
    header = tsr[attrs.start:attrs.content]
    old_signature = parse_token(parse_response(tsr).token or b"").signer.signature
    signature = tsa_rsa.tsa.key.sign(b"\x31" + header[1:] + body, padding.PKCS1v15(), hashes.SHA256())
    assert len(signature) == len(old_signature)
    edited = tsr[:attrs.content] + body + tsr[attrs.content_end:]
    edited = edited.replace(old_signature, signature)
    info = verify_token(edited, digest=DIGEST, nonce=exchange.nonce, roots=load_roots(tsa_rsa.ca_pem_path))
    assert info.nonce == exchange.nonce
