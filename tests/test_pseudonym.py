"""Tests of helpers.privacy.pseudonym: keyed, deterministic, normalised; the key file."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat

import pandas as pd
import pytest

from helpers.core.errors import InputFileError
from helpers.privacy.pseudonym import default_key_path, load_or_create_key, pseudonymise

KEY = bytes(range(32))
OTHER = bytes(range(1, 33))


def test_deterministic_and_keyed():
    s = pd.Series(["199001012010011001", "199001012010012002", "199001012010011001"])
    first = pseudonymise(s, KEY)
    assert first.equals(pseudonymise(s, KEY))
    assert first.iloc[0] == first.iloc[2]
    assert first.iloc[0] != first.iloc[1]
    other = pseudonymise(s, OTHER)
    assert not (first == other).any()


def test_is_hmac_sha256_not_plain_hash():
    nip = "199001012010011001"
    expected = "P" + hmac.new(KEY, nip.encode(), hashlib.sha256).hexdigest()[:12]
    assert pseudonymise(pd.Series([nip]), KEY).iloc[0] == expected
    plain = hashlib.sha256(nip.encode()).hexdigest()[:12]
    assert plain not in pseudonymise(pd.Series([nip]), KEY).iloc[0]


def test_normalisation_missing_and_index():
    s = pd.Series(
        ["19900101 201001 1 001", "199001012010011001", "'19900101.201001.1.001", None, " R-01 "],
        index=[5, 6, 7, 8, 9],
        name="nip",
    )
    out = pseudonymise(s, KEY, prefix="X", length=16)
    assert out.index.tolist() == [5, 6, 7, 8, 9]
    assert out.name == "nip"
    assert out.iloc[0] == out.iloc[1] == out.iloc[2]
    assert pd.isna(out.iloc[3])
    assert out.iloc[4].startswith("X") and len(out.iloc[4]) == 17
    assert out.iloc[4] == pseudonymise(pd.Series(["R-01"]), KEY, prefix="X", length=16).iloc[0]


def test_bad_arguments():
    s = pd.Series(["1"])
    with pytest.raises(ValueError, match="at least 16 bytes"):
        pseudonymise(s, b"short")
    with pytest.raises(TypeError):
        pseudonymise(s, "a string key of enough length")
    with pytest.raises(ValueError, match="length"):
        pseudonymise(s, KEY, length=4)


def test_key_created_once_with_mode_0600(tmp_path):
    path = tmp_path / "deep" / "dir" / "pseudonym.key"
    key = load_or_create_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_or_create_key(path) == key  # read, not recreated
    assert [p.name for p in path.parent.iterdir()] == ["pseudonym.key"]  # no temp file left


def test_short_key_rejected(tmp_path):
    path = tmp_path / "pseudonym.key"
    path.write_bytes(b"0123456789")
    with pytest.raises(InputFileError, match="10 bytes; at least 16"):
        load_or_create_key(path)


def test_default_key_path(monkeypatch, tmp_path):
    monkeypatch.delenv("ASN_EVAL_KEY_FILE", raising=False)
    assert default_key_path().parts[-3:] == (".config", "asn-eval", "pseudonym.key")
    monkeypatch.setenv("ASN_EVAL_KEY_FILE", str(tmp_path / "k.key"))
    assert default_key_path() == tmp_path / "k.key"
    key = load_or_create_key()
    assert (tmp_path / "k.key").read_bytes() == key


def test_second_creator_keeps_the_first_key(tmp_path):
    from helpers.privacy.pseudonym import _create_key

    path = tmp_path / "pseudonym.key"
    key = load_or_create_key(path)
    _create_key(path)  # a second process racing to create it: must not replace it
    assert path.read_bytes() == key
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pseudonym.key"]


def test_group_or_world_readable_key_is_refused_with_the_fix(tmp_path, monkeypatch):
    monkeypatch.delenv("ASN_EVAL_KEY_PERMISSIVE", raising=False)
    path = tmp_path / "pseudonym.key"
    path.write_bytes(bytes(range(32)))
    for mode in (0o644, 0o640, 0o604, 0o660):
        os.chmod(path, mode)
        with pytest.raises(InputFileError, match="chmod 600") as info:
            load_or_create_key(path)
        assert info.value.path == path and f"{mode:04o}" in info.value.message
    os.chmod(path, 0o400)
    assert load_or_create_key(path) == bytes(range(32))


def test_permissive_setting_turns_the_refusal_into_a_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("ASN_EVAL_KEY_PERMISSIVE", "1")
    path = tmp_path / "pseudonym.key"
    path.write_bytes(bytes(range(32)))
    os.chmod(path, 0o644)
    with pytest.warns(UserWarning, match="chmod 600"):
        assert load_or_create_key(path) == bytes(range(32))


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_key_is_a_clear_error(tmp_path):
    path = tmp_path / "pseudonym.key"
    path.write_bytes(bytes(range(32)))
    os.chmod(path, 0o000)
    with pytest.raises(InputFileError, match="cannot be read"):
        load_or_create_key(path)


def test_unreadable_key_error_names_the_file_and_the_fix(tmp_path, monkeypatch):
    path = tmp_path / "pseudonym.key"
    path.write_bytes(bytes(range(32)))
    os.chmod(path, 0o600)

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(type(path), "read_bytes", refuse)
    with pytest.raises(InputFileError) as info:
        load_or_create_key(path)
    assert info.value.path == path
    assert "cannot be read" in info.value.message and "ASN_EVAL_KEY_FILE" in info.value.message


def test_key_fingerprint_is_short_stable_and_differs_between_keys():
    from helpers.privacy.pseudonym import key_fingerprint

    a, b = key_fingerprint(bytes(range(32))), key_fingerprint(bytes(range(1, 33)))
    assert a == key_fingerprint(bytes(range(32))) and a != b
    assert len(a) == 13 and a.startswith("K")
    assert bytes(range(32)).hex()[:12] not in a
