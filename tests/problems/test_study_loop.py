"""Two simulated weeks of study through the CLI with a fixed clock (CHAINRULE_NOW): every attempt is
recorded, every figure of `progress` equals a recount from the raw tables, `review` schedules the
failed items before the mastered ones and never an item before its due date, and
`practice --focus mistakes` drills the types of the most frequent mistakes."""

from __future__ import annotations

import json
import math
import os
import sqlite3
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from problems import engine
from problems.registry import get
from tests.conftest import run_cli

START = datetime(2026, 3, 2, 18, 0, tzinfo=timezone.utc)
CREDITED = ("correct", "rounded", "follow-through")


def key(exercise):
    topic, seed, difficulty, variant = engine.parse_exercise_id(exercise)
    return {s.id: s.value for s in engine.make_exercise(get(topic), seed, difficulty, variant).steps}


def at(moment: datetime, monkeypatch) -> None:
    monkeypatch.setenv("CHAINRULE_NOW", moment.strftime("%Y-%m-%dT%H:%M:%S"))


def check(*args: str) -> None:
    out = run_cli("check", *args, "--format", "json")
    wrong = json.loads(out.stdout)["first_error"] is not None
    assert out.returncode == (1 if wrong else 0), out.stderr  # check exits 1 when a step is incorrect


def study_day(day: int) -> None:
    """ztest: Σx right every day, the standard error wrong (σ, not σ/√n) in week 1, right in week 2;
    ttest: Σx, Σx², the mean and df right every day (mastered); som: the winner wrong on odd days."""
    z = f"ztest@{100 + day}"
    kz = key(z)
    sigma = engine.make_exercise(get("ztest"), 100 + day).givens["sigma"]
    se = sigma if day < 7 else kz["se"]
    assert math.isclose(kz["se"], sigma / math.sqrt(len(engine.make_exercise(get("ztest"), 100 + day).givens["data"])), rel_tol=1e-9)
    check(z, "--answer", f"sum={kz['sum']}", "--answer", f"se={se}")
    t = f"ttest@{200 + day}"
    kt = key(t)
    check(t, *(a for s in ("sum", "sumsq", "mean", "df") for a in ("--answer", f"{s}={kt[s]}")))
    if day % 2:
        s = f"som@{300 + day}"
        ks = key(s)
        wrong = 1 if ks["winner.1"] != 1 else 2
        check(s, "--answer", f"d2.1={json.dumps(ks['d2.1'])}", "--answer", f"winner.1={wrong}")


def recount(store: Path) -> dict[str, dict]:
    """Per type, from the raw tables: attempts, answered, credited, accuracy, trend, last seen, mistakes."""
    with sqlite3.connect(store) as conn:
        attempts = conn.execute("SELECT id, type, at FROM attempt ORDER BY at, id").fetchall()
        steps = defaultdict(list)
        for attempt, status, mistake in conn.execute("SELECT attempt, status, mistake FROM step"):
            steps[attempt].append((status, mistake))
    by_type = defaultdict(list)
    for attempt_id, type_name, when in attempts:
        by_type[type_name].append((attempt_id, when))

    def acc(ids):
        statuses = [s for i in ids for s, _ in steps[i] if s != "missing"]
        return sum(s in CREDITED for s in statuses) / len(statuses) if statuses else None

    out = {}
    for type_name, rows in by_type.items():
        ids = [i for i, _ in rows]
        statuses = [s for i in ids for s, _ in steps[i]]
        answered = sum(s != "missing" for s in statuses)
        half = len(ids) // 2
        early, late = acc(ids[:half]), acc(ids[half:])
        mistakes = Counter(m for i in ids for _, m in steps[i] if m)
        out[type_name] = {"attempts": len(ids), "answered": answered, "credited": sum(s in CREDITED for s in statuses),
                          "accuracy": round(sum(s in CREDITED for s in statuses) / answered, 4),
                          "trend": None if not half or early is None or late is None else round(100 * (late - early), 1),
                          "last_seen": max(w for _, w in rows),
                          "mistakes": sorted(mistakes.items(), key=lambda kv: (-kv[1], kv[0]))[:3]}
    return out


def review(monkeypatch, moment: datetime, *args: str) -> dict:
    at(moment, monkeypatch)
    out = run_cli("review", *args, "--format", "json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_two_weeks_of_study(monkeypatch, tmp_path):
    for day in range(14):
        at(START + timedelta(days=day, minutes=7 * day), monkeypatch)
        study_day(day)
    store = Path(os.environ["CHAINRULE_HOME"]) / "progress.sqlite3"

    # every attempt recorded, at the fixed clock's times
    with sqlite3.connect(store) as conn:
        assert conn.execute("SELECT count(*) FROM attempt").fetchone()[0] == 14 + 14 + 7
        first = conn.execute("SELECT at FROM attempt ORDER BY at LIMIT 1").fetchone()[0]
    assert first == "2026-03-02T18:00:00.000000Z"

    # every figure of progress is a recount of the raw tables
    data = json.loads(run_cli("progress", "--format", "json").stdout)
    counted = recount(store)
    assert {t["type"] for t in data["types"]} == set(counted) == {"ztest", "ttest", "som"}
    for t in data["types"]:
        c = counted[t["type"]]
        assert {k: t[k] for k in ("attempts", "answered", "credited", "accuracy", "trend", "last_seen")} == {
            k: c[k] for k in ("attempts", "answered", "credited", "accuracy", "trend", "last_seen")}
        assert [(m["name"], m["count"]) for m in t["mistakes"]] == c["mistakes"]
    assert counted["ztest"]["mistakes"] == [("se-no-root", 7)] and counted["ztest"]["trend"] == 50.0
    assert counted["ttest"]["accuracy"] == 1.0 and counted["ttest"]["trend"] == 0.0
    total = data["total"]
    assert total["attempts"] == 35 and total["answered"] == sum(c["answered"] for c in counted.values())
    text = run_cli("progress", "--format", "text").stdout
    row = next(line for line in text.splitlines() if line.startswith("ztest"))
    assert row.split()[:5] == ["ztest", "14", "28", f"{100 * counted['ztest']['accuracy']:.0f}%", "+50"]

    # the day after: the failed items are due, the mastered ones are not
    end = START + timedelta(days=14)
    plan = review(monkeypatch, end, "--count", "3")
    due = {(d["type"], d["step"]) for d in plan["due"]}
    assert ("som", "winner.k") in due
    assert not any(t == "ttest" for t, _ in due)  # rated Easy 14 times: due months later
    assert all(d["due"] <= plan["now"] for d in plan["due"])
    assert [e["topic"] for e in plan["exercises"]][0] == "som"  # the only type with failed items due
    attempted = {row[0] for row in sqlite3.connect(store).execute("SELECT exercise FROM attempt")}
    assert not attempted & {e["id"] for e in plan["exercises"]}  # fresh seeds
    again = review(monkeypatch, end, "--count", "3")
    assert {e["id"] for e in again["exercises"]} != {e["id"] for e in plan["exercises"]}

    # years later everything is due: the failed items rank before the mastered ones
    late = review(monkeypatch, end + timedelta(days=3 * 365), "--count", "3")
    order = [(d["type"], d["step"]) for d in late["due"]]
    assert set(order) >= {("ttest", "sum"), ("ttest", "df"), ("som", "winner.k"), ("ztest", "se")}
    assert order.index(("som", "winner.k")) < min(order.index(("ttest", s)) for s in ("sum", "sumsq", "mean", "df"))
    assert all(a["retrievability"] <= b["retrievability"] for a, b in zip(late["due"], late["due"][1:]))

    # a mistake drill: the type with the most named mistakes first
    at(end, monkeypatch)
    drill = json.loads(run_cli("practice", "--focus", "mistakes", "--count", "2", "--format", "json").stdout)
    per_type = sorted(((-sum(n for _, n in c["mistakes"]), t) for t, c in counted.items() if c["mistakes"]))
    assert [e["topic"] for e in drill] == [per_type[0][1], per_type[1][1]]


def test_review_respects_due_dates(monkeypatch):
    at(START, monkeypatch)
    k = key("ttest@5")
    check("ttest@5", *(a for s in ("sum", "mean") for a in ("--answer", f"{s}={k[s]}")))
    soon = review(monkeypatch, START + timedelta(hours=1))
    assert soon["due"] == [] and soon["exercises"] == [] and soon["next_due"] > soon["now"]
    text = run_cli("review", "--format", "text").stdout
    assert "Nothing to review now; the next item is due at" in text
    when = datetime.fromisoformat(soon["next_due"].replace("Z", "+00:00"))
    just_before = review(monkeypatch, when - timedelta(seconds=1))
    assert just_before["due"] == []
    on_time = review(monkeypatch, when)
    assert {d["step"] for d in on_time["due"]} == {"sum", "mean"} and [e["topic"] for e in on_time["exercises"]] == ["ttest"] * 3


def test_interactive_review_records_its_attempts_as_review(monkeypatch):
    at(START, monkeypatch)
    check("som@3", "--answer", "winner.1=99")  # incorrect: due again within minutes
    at(START + timedelta(days=1), monkeypatch)
    out = run_cli("review", "--count", "1", "-i", "--format", "json", input="1\nq\n")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout[out.stdout.index("{\n"):])
    assert report["results"][0]["exercise"].startswith("som@") and report["results"][0]["answered"] == 1
    store = Path(os.environ["CHAINRULE_HOME"]) / "progress.sqlite3"
    rows = sqlite3.connect(store).execute("SELECT source, at FROM attempt ORDER BY id").fetchall()
    assert rows == [("check", "2026-03-02T18:00:00.000000Z"), ("review", "2026-03-03T18:00:00.000000Z")]


@pytest.mark.parametrize("args, arg", [(["review", "--count", "0"], "--count"), (["review", "--count", "51"], "--count"),
                                       (["review", "--topics", "nosuch"], "--topics"), (["review", "--topics", ","], "--topics")])
def test_review_bad_input_is_one_line_exit_2(args, arg):
    out = run_cli(*args)
    assert out.returncode == 2 and out.stderr.startswith(f"chainrule: error: {arg}") and len(out.stderr.splitlines()) == 1


def test_a_bad_fixed_clock_is_refused(monkeypatch):
    monkeypatch.setenv("CHAINRULE_NOW", "yesterday")
    out = run_cli("review")
    assert out.returncode == 2 and out.stderr.startswith("chainrule: error: CHAINRULE_NOW:")


@pytest.mark.parametrize("clock", ["0001-01-01T00:00:00+05:00", "1969-12-31T23:59:59", "9999-12-31T23:59:59",
                                   "9999-12-31T23:59:59-05:00"])
@pytest.mark.parametrize("command", [["check", "ztest@3", "--answer", "sum=1"], ["review"]])
def test_a_clock_outside_the_accepted_years_is_refused(clock, command, monkeypatch):
    """Converting these to UTC, or scheduling a review from them, leaves datetime's years 1 … 9999."""
    monkeypatch.setenv("CHAINRULE_NOW", clock)
    out = run_cli(*command)
    assert out.returncode == 2 and out.stderr.startswith("chainrule: error: CHAINRULE_NOW:"), out.stderr
    assert len(out.stderr.splitlines()) == 1


def test_the_latest_accepted_clock_records_reviews_and_round_trips(monkeypatch, tmp_path):
    latest = datetime(8999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
    at(latest, monkeypatch)
    assert run_cli("check", "ztest@3", "--answer", "sum=1").returncode == 1  # Σx is not 1: recorded as incorrect
    out = run_cli("review", "--count", "1", "--format", "json")
    assert out.returncode == 0, out.stderr
    assert run_cli("progress", "--export", str(tmp_path / "e.json")).returncode == 0
    exported = json.loads((tmp_path / "e.json").read_text())["attempts"]
    assert [datetime.fromisoformat(a["at"].replace("Z", "+00:00")) for a in exported] == [latest]
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path / "fresh"))
    out = run_cli("progress", "--import", str(tmp_path / "e.json"))
    assert out.returncode == 0, out.stderr


def test_ratings_follow_the_documented_mapping():
    from problems.progress_store import Attempt, StepRecord
    from problems.spaced_review import ratings
    steps = [StepRecord("winner.1", "correct"), StepRecord("winner.2", "correct", tries=2),  # a retry: at best Hard (2)
             StepRecord("d2.1", "rounded"), StepRecord("d2.2", "correct", tries=1, hints=1),  # a hint: at best Hard
             StepRecord("weights.1", "missing", revealed=True), StepRecord("weights.2", "missing"),
             StepRecord("lr.2", "follow-through")]
    assert ratings(Attempt(type="som", difficulty="exam", at="2026-01-01T00:00:00.000000Z", steps=steps)) == {
        "winner.k": 2, "d2.k": 2, "weights.k": 1, "lr.e": 2}
    easy = [StepRecord("winner.1", "correct"), StepRecord("d2.1", "rounded"), StepRecord("weights.1", "incorrect")]
    assert ratings(Attempt(type="som", difficulty="exam", at="2026-01-01T00:00:00.000000Z", steps=easy)) == {
        "winner.k": 4, "d2.k": 3, "weights.k": 1}


@pytest.mark.parametrize("fmt", ["text", "markdown", "latex", "rich"])
def test_progress_and_review_print_in_every_format(monkeypatch, fmt):
    at(START, monkeypatch)
    check("som@3", "--answer", "winner.1=99")
    at(START + timedelta(days=1), monkeypatch)
    progress = run_cli("progress", "--format", fmt)
    assert progress.returncode == 0 and progress.stderr == "" and "som" in progress.stdout and "attempts" in progress.stdout
    review = run_cli("review", "--count", "1", "--format", fmt)
    assert review.returncode == 0 and review.stderr == ""
    assert "winner" in review.stdout and "Kohonen" in review.stdout  # the due item, then the exercise


def test_progress_plot_and_review_of_new_topics(monkeypatch, tmp_path):
    at(START, monkeypatch)
    fresh = review(monkeypatch, START, "--topics", "ttest,ztest", "--count", "2")
    assert fresh["due"] == [] and [e["topic"] for e in fresh["exercises"]] == ["ttest", "ztest"]  # never tried: new
    assert review(monkeypatch, START)["exercises"] == []  # without --topics only studied types are reviewed
    check("ztest@3", "--answer", "sum=1")
    at(START + timedelta(days=2), monkeypatch)
    check("ztest@4", "--answer", "sum=2")
    plot = tmp_path / "accuracy.png"
    out = run_cli("progress", "--plot", str(plot))
    assert out.returncode == 0 and f"plot written: {plot}" in out.stdout
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and not list(tmp_path.glob(".*.tmp"))
    bad = run_cli("progress", "--plot", str(tmp_path / "accuracy.pdf"))
    assert bad.returncode == 2 and bad.stderr.startswith("chainrule: error: --plot:")
