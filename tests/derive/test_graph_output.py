"""``derive --graph``: dot and mermaid as text, png/svg through Graphviz's dot with --out, and a
clear exit 2 when Graphviz is missing (issue 14.6). A fake ``dot`` stands in for Graphviz."""

from __future__ import annotations

import os
import re
import stat
import sys

import pytest

from tests.conftest import run_cli


def _mermaid_parts(text):
    lines = text.strip().splitlines()
    assert lines[0] == "flowchart BT"
    defined = {}
    edges = []
    for line in lines[1:]:
        line = line.strip()
        if m := re.fullmatch(r"(n\d+) --> (n\d+)", line):
            edges.append(m.groups())
        elif m := re.fullmatch(r'(n\d+)(\(\[|\[|\(\()"([^"]*)"(\]\)|\]|\)\))(:::param)?', line):
            defined[m.group(1)] = m.group(3)
        else:
            assert line.startswith("classDef "), f"not Mermaid flowchart syntax: {line!r}"
    return defined, edges


@pytest.mark.parametrize("args", [["mlp"], ["mlp", "--matrix"], ["rnn"], ["attention"]])
def test_mermaid_has_every_node_and_edge_of_the_dot_graph(args):
    mermaid = run_cli("derive", *args, "--graph", "mermaid")
    dot = run_cli("derive", *args, "--graph", "dot")
    assert mermaid.returncode == 0 and dot.returncode == 0, (mermaid.stderr, dot.stderr)
    defined, edges = _mermaid_parts(mermaid.stdout)
    assert all(a in defined and b in defined for a, b in edges)
    assert len(edges) == dot.stdout.count(" -> ")
    assert len(defined) == len(re.findall(r"^\s+\"[^\"]+\" \[", dot.stdout, flags=re.M))


def test_png_without_graphviz_is_a_clear_exit_2(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    out = run_cli("derive", "mlp", "--graph", "png", "--out", str(tmp_path / "mlp.png"))
    assert out.returncode == 2
    assert len(out.stderr.strip().splitlines()) == 1 and "Graphviz" in out.stderr and "--graph" in out.stderr
    assert not (tmp_path / "mlp.png").exists()


@pytest.mark.parametrize("args, names", [
    (["--graph", "png"], "--out"), (["--out", "x.svg"], "--out"), (["--graph", "jpeg"], "--graph")])
def test_graph_option_misuse_is_exit_2(args, names):
    out = run_cli("derive", "mlp", *args)
    assert out.returncode == 2 and names in out.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for dot")
@pytest.mark.parametrize("image", ["png", "svg"])
def test_png_and_svg_are_drawn_by_dot(tmp_path, monkeypatch, image):
    fake = tmp_path / "bin" / "dot"
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\nprintf "IMAGE %s " "$1"\ncat\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(fake.parent) + os.pathsep + os.environ.get("PATH", ""))
    target = tmp_path / f"mlp.{image}"
    out = run_cli("derive", "mlp", "--graph", image, "--out", str(target))
    assert out.returncode == 0, out.stderr
    data = target.read_bytes()
    assert data.startswith(f"IMAGE -T{image} digraph".encode())  # dot got -T<image> and the DOT text
    assert str(target) in out.stdout


def test_dot_and_mermaid_can_be_written_to_a_file(tmp_path):
    target = tmp_path / "mlp.mmd"
    out = run_cli("derive", "mlp", "--graph", "mermaid", "--out", str(target))
    assert out.returncode == 0, out.stderr
    assert target.read_text().startswith("flowchart BT")
