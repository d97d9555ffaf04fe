"""check-code's proofs kept on disk: the fact that this version proved them, never a formula.
A kept fact skips the proof the next time; another version of derive does not see it; a
damaged entry is no fact; and whatever the disk holds, the expressions compared with are the
known forms that the proofs' last lines were checked to equal."""

from __future__ import annotations

import json

import pytest

from derive.cli import main
from derive.testing import cache, proved
from derive.testing.proved import _forms, known

SIZES = {"output": (("K", 3), ("J", 2)), "network": (("N", 2), ("I", 3), ("J", 4), ("K", 3))}
EVERYTHING = frozenset({"inputs", "regularization"})


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("DERIVE_NO_CACHE", raising=False)
    proved.proved.cache_clear()  # the process's own cache, so the disk is asked
    yield tmp_path / "cache"
    proved.proved.cache_clear()


@pytest.mark.parametrize("layer", ["output", "network"])
def test_the_proofs_end_in_the_known_forms(layer) -> None:
    size = dict(SIZES[layer])
    found = proved._prove(layer, size, True, EVERYTHING)
    assert _forms(found) == _forms(known(layer, size, True, EVERYTHING))


def test_unnormalized_targets_end_in_their_known_form() -> None:
    size = dict(SIZES["output"])
    found = proved._prove("output", size, False, frozenset())
    assert _forms(found) == _forms(known("output", size, False, frozenset()))


def test_a_kept_fact_skips_the_proof_for_this_version_only(folder, monkeypatch) -> None:
    calls = []
    real = proved._prove

    def counted(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(proved, "_prove", counted)
    first = proved.proved("output", SIZES["output"], True, EVERYTHING)
    proved.proved.cache_clear()
    second = proved.proved("output", SIZES["output"], True, EVERYTHING)
    assert len(calls) == 1 and _forms(first) == _forms(second)
    assert list((folder / "proved").rglob("*.json"))
    proved.proved.cache_clear()
    monkeypatch.setattr(cache, "fingerprint", lambda: "another version of derive")
    proved.proved("output", SIZES["output"], True, EVERYTHING)
    assert len(calls) == 2


def test_a_damaged_entry_is_no_fact(folder) -> None:
    key = {"layer": "output", "normalized": True, "needs": []}
    cache.remember(key)
    assert cache.proved_before(key)
    (path,) = (folder / "proved").rglob("*.json")
    data = json.loads(path.read_text())
    data["value"] = {"proved": True, "and": "more"}
    path.write_text(json.dumps(data))
    assert not cache.proved_before(key)  # the checksum no longer fits


def test_a_kept_fact_gives_the_known_forms_whatever_was_proved(folder) -> None:
    size = dict(SIZES["output"])
    key = {"layer": "output", "normalized": True, "needs": []}
    cache.remember(key)  # as if a proof had passed
    found = proved.proved("output", SIZES["output"], True)
    assert _forms(found) == _forms(known("output", size, True, frozenset()))


def test_the_cache_can_be_switched_off_and_cleared(folder, monkeypatch, capsys) -> None:
    key = {"layer": "cleared"}
    cache.remember(key)
    monkeypatch.setenv("DERIVE_NO_CACHE", "1")
    assert not cache.proved_before(key)
    monkeypatch.delenv("DERIVE_NO_CACHE")
    assert main(["check-code", "--clear-cache"]) == 0
    assert "removed 1 stored result in" in capsys.readouterr().err
    assert not cache.proved_before(key)
