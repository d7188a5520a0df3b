from __future__ import annotations

import hashlib

import pytest

from evidence_capture.errors import InputError, StorageError
from evidence_capture.manifests import hashing
from evidence_capture.manifests.canonical import canonical_bytes, parse_canonical
from evidence_capture.manifests.hashing import FileDigests, hash_bytes, hash_file

# GB/T 32905-2016 appendix A, example 1: SM3("abc").
SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm3_known_answer() -> None:
    assert hash_bytes(b"abc").sm3 == SM3_ABC


@pytest.mark.parametrize("size", [0, 1, hashing.CHUNK_SIZE, 3 * hashing.CHUNK_SIZE + 12345])
def test_hash_file_matches_hashlib(tmp_path, size: int) -> None:
    data = (bytes(range(251)) * (size // 251 + 1))[:size]
    path = tmp_path / "blob"
    path.write_bytes(data)
    digests = hash_file(path)
    assert digests == FileDigests(size, hashlib.sha256(data).hexdigest(), hashlib.new("sm3", data).hexdigest())


def test_hash_file_missing_is_storage_error(tmp_path) -> None:
    with pytest.raises(StorageError):
        hash_file(tmp_path / "absent")


def test_file_digests_refuse_bad_hex() -> None:
    with pytest.raises(ValueError):
        FileDigests(1, "AB" * 32, "00" * 32)


def test_canonical_orders_keys_and_escapes_minimally() -> None:
    assert canonical_bytes({"b": 1, "a": ["é", 1.5, True, None]}) == '{"a":["é",1.5,true,null],"b":1}'.encode()


def test_canonical_big_integers_become_strings() -> None:
    assert canonical_bytes({"n": 2**53, "m": -(2**60), "k": 2**53 - 1}) == \
        b'{"k":9007199254740991,"m":"-1152921504606846976","n":"9007199254740992"}'


def test_canonical_refuses_non_finite() -> None:
    with pytest.raises(InputError):
        canonical_bytes({"x": float("nan")})


@pytest.mark.parametrize("text", [b'{"b":1,"a":2}', b'{"a": 1}', b'{"a":1,"a":1}', b"\xff", b'{"a":1.0}'])
def test_parse_canonical_refuses_non_canonical(text: bytes) -> None:
    with pytest.raises(InputError):
        parse_canonical(text)


def test_parse_canonical_round_trip() -> None:
    data = canonical_bytes({"z": [1, {"y": "中文"}], "a": 0.1})
    assert canonical_bytes(parse_canonical(data)) == data
