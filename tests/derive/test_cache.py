"""The proof cache (``derive.cache``): a derivation whose proofs come from the cache prints byte
for byte what a fresh one prints, no proof is redone on the second run, changed code or a
damaged file proves afresh, failed proofs are never recorded, and the cache can be off."""

from __future__ import annotations

import json

import pytest

import derive
from derive import cache
from derive.analytic import prepared
from derive.analytic import proof as proof_module
from derive.printing import render


@pytest.fixture()
def cache_on(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAINRULE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("CHAINRULE_PREPARED", "off")  # the proofs run (not looked up in the shipped table)
    cache.forget()
    prepared.forget()
    yield tmp_path / "cache"
    cache.forget()
    prepared.forget()


def _counting(monkeypatch):
    calls = []
    original = proof_module.zero_by
    monkeypatch.setattr(proof_module, "zero_by", lambda *a, **k: calls.append(1) or original(*a, **k))
    return calls


@pytest.mark.parametrize("topic", ["activations", "losses", "gan", "vae"])
def test_cached_proofs_print_what_fresh_proofs_print(topic, cache_on, monkeypatch):
    first = {fmt: render(derive.derive(topic), fmt) for fmt in ("text", "json")}
    (path,) = cache_on.glob("proofs-*.json")
    assert json.loads(path.read_text())  # something was recorded
    cache.forget()  # a new run reads the file
    calls = _counting(monkeypatch)
    second = derive.derive(topic)
    assert calls == []  # every proof came from the cache
    assert {fmt: render(second, fmt) for fmt in first} == first
    monkeypatch.setenv("CHAINRULE_CACHE", "off")
    derive.derive(topic)
    assert calls  # with the cache off the proofs run again


def test_a_damaged_file_proves_afresh_and_is_replaced(cache_on, monkeypatch):
    good = render(derive.derive("gan"), "text")
    (path,) = cache_on.glob("proofs-*.json")
    path.write_text("{not json")
    cache.forget()
    calls = _counting(monkeypatch)
    assert render(derive.derive("gan"), "text") == good
    assert calls and json.loads(path.read_text())


def test_changed_code_uses_another_file(cache_on, monkeypatch):
    derive.derive("gan")
    monkeypatch.setattr(cache, "source_fingerprint", lambda: "f" * 64)
    cache.forget()
    calls = _counting(monkeypatch)
    derive.derive("gan")
    assert calls and len(list(cache_on.glob("proofs-*.json"))) == 2


def test_failed_proofs_are_not_recorded(cache_on):
    assert cache.remembered("k", lambda: (False, "no rewrite", 0.0)) == (False, "no rewrite", 0.0)
    assert cache.remembered("k", lambda: (True, "simplify", 0.0)) == (True, "simplify", 0.0)
    assert cache.remembered("k", lambda: (False, "must not run", 0.0)) == (True, "simplify", 0.0)


def test_an_unwritable_cache_folder_is_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("CHAINRULE_CACHE", str(blocker / "sub"))
    monkeypatch.setenv("CHAINRULE_PREPARED", "off")
    cache.forget()
    prepared.forget()
    assert derive.derive("gan").steps
    cache.forget()
    prepared.forget()
