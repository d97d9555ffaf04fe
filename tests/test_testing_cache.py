"""check-code's proved results on disk: read back exactly, used by a later check, never trusted
by another version, never evaluated (a tampered file fails to load and is proved again), and
ignored where another user could have written it."""

from __future__ import annotations

import json
import os

import pytest
from sympy import srepr

from derive.cli import main
from derive.testing import cache
from derive.testing.proved import _stored, proved


@pytest.fixture
def folder(tmp_path, monkeypatch):
    where = tmp_path / "cache"
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(where))
    monkeypatch.delenv("DERIVE_NO_CACHE", raising=False)
    return where


def test_every_proved_expression_reads_back_exactly() -> None:
    sizes = (("N", 2), ("I", 3), ("J", 4), ("K", 3))
    found = proved("network", sizes, True, frozenset({"inputs", "regularization"}))
    for name, expr in _stored(found).items():
        assert cache.read_expression(srepr(expr)) == expr, name


def test_a_stored_result_is_loaded_for_this_version_only(folder, monkeypatch) -> None:
    key = {"layer": "test", "needs": []}
    values = _stored(proved("output", (("K", 3), ("J", 2)), True))
    cache.store(key, values)
    assert cache.load(key) == values
    assert cache.load({**key, "layer": "other"}) is None
    monkeypatch.setattr(cache, "fingerprint", lambda: "another version")
    assert cache.load(key) is None


def test_the_fingerprint_covers_derives_own_sources() -> None:
    # one byte of any source file changes it: an edited checkout is another version
    assert len(cache.fingerprint()) == 64
    assert cache.fingerprint() == cache.fingerprint()


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('touch /tmp/derive-cache-pwned')",
        "Function('f')(Symbol('x'))",
        "Symbol('x').__class__",
        "Integer(1) + Integer(2)",
        "lambda: 0",
    ],
)
def test_a_tampered_file_is_never_evaluated(folder, text) -> None:
    key = {"layer": "tampered"}
    cache.store(key, {"loss": proved("output", (("K", 3), ("J", 2)), True).output.loss})
    (path,) = folder.glob("proved-*.json")
    data = json.loads(path.read_text())
    data["values"]["loss"] = text
    path.write_text(json.dumps(data))
    assert cache.load(key) is None
    assert not os.path.exists("/tmp/derive-cache-pwned")


def test_a_file_others_could_write_is_ignored(folder) -> None:
    key = {"layer": "shared"}
    cache.store(key, {"x": proved("output", (("K", 3), ("J", 2)), True).output.delta})
    (path,) = folder.glob("proved-*.json")
    assert oct(path.stat().st_mode & 0o777) == "0o600" and cache.load(key) is not None
    path.chmod(0o666)
    assert cache.load(key) is None
    path.chmod(0o600)
    folder.chmod(0o777)
    assert cache.load(key) is None
    folder.chmod(0o700)


def test_the_cache_can_be_switched_off_and_cleared(folder, monkeypatch, capsys) -> None:
    key = {"layer": "cleared"}
    cache.store(key, {"x": proved("output", (("K", 3), ("J", 2)), True).output.delta})
    monkeypatch.setenv("DERIVE_NO_CACHE", "1")
    assert cache.load(key) is None
    monkeypatch.delenv("DERIVE_NO_CACHE")
    assert main(["check-code", "--clear-cache"]) == 0
    assert "removed 1 stored result in" in capsys.readouterr().err
    assert cache.load(key) is None and not list(folder.glob("proved-*.json"))
