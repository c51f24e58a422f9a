"""The hostile-input corpus: bad and extreme scenario files, `extends:` and timeline attacks,
experiment files, command-line misuse and damaged results folders, each with what the command
must answer (exit code, what the message names, what it must never print).

`build(root)` writes every file the cases need under `root` and returns the cases by category;
tests/test_hostile_inputs.py runs each category in a real process (tests/hostile_driver.py).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "baseline.yaml"
SECRET = "s3cr3t-token-do-not-print"  # planted in files that must never be quoted


@dataclass(frozen=True)
class Case:
    """One command line, what it must exit with and what its output must (and must not) say."""

    id: str
    argv: tuple[str, ...]
    exit: int = 2
    says: tuple[str, ...] = ()
    never: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "argv": list(self.argv), "env": self.env}


def _billion_laughs(levels: int, width: int = 9, key: str = "lol") -> str:
    lines = [f"{key}0: &l0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        lines.append(f"{key}{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def _max_everything(days: int) -> str:
    """Every numeric lever at its upper bound and every switch on (valid, explosive)."""
    from sim.scenario import Scenario, apply_overrides
    from sim.scenario.fields import iter_fields

    scenario = Scenario()
    for spec in iter_fields():
        value: Any = None
        if spec.kind in ("int", "float") and spec.upper is not None:
            value = spec.upper
        elif spec.kind == "bool":
            value = True
        if value is not None:
            try:
                scenario = apply_overrides(scenario, {spec.path: value})
            except ValueError:
                continue
    data = scenario.model_dump(mode="json")
    # an owner exhausted at once who dissolves the community would end the run on day 1
    data["energy"]["dissolve_on_quit"] = False
    data["name"], data["horizon"]["days"] = "max_everything", days
    data["horizon"]["report_days"] = [7]
    return json.dumps(data)  # JSON is YAML


def _min_everything() -> str:
    from sim.scenario import Scenario, apply_overrides
    from sim.scenario.fields import iter_fields

    scenario = Scenario()
    for spec in iter_fields():
        if spec.kind in ("int", "float") and spec.lower is not None and not spec.lower_open:
            try:
                scenario = apply_overrides(scenario, {spec.path: spec.lower})
            except ValueError:
                continue
    data = scenario.model_dump(mode="json")
    data["name"] = "min_everything"
    return json.dumps(data)


class Corpus:
    """Writes the files of the corpus under `root` and collects the cases by category."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cases: dict[str, list[Case]] = {}
        (root / "results").mkdir(parents=True, exist_ok=True)
        self._out = 0

    def file(self, relative: str, content: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def out(self) -> str:
        self._out += 1
        return str(self.root / "results" / f"out-{self._out:04d}")

    def add(self, category: str, case: Case) -> None:
        self.cases.setdefault(category, []).append(case)

    def validate(
        self,
        category: str,
        id: str,
        path: Path | str,
        says: tuple[str, ...],
        *,
        compare: bool = False,
        **kw: Any,
    ) -> None:
        """`groupsim validate` and `groupsim run` (and, with `compare`, `groupsim compare` beside
        the baseline) must all refuse the file the same way."""
        name = Path(path).name[:40]
        self.add(category, Case(f"{id} (validate)", ("validate", str(path)), says=(name, *says), **kw))
        run = ("run", str(path), "--days", "3", "--out", self.out())
        self.add(category, Case(f"{id} (run)", run, says=(name, *says), **kw))
        if compare:
            argv = ("compare", str(BASELINE), str(path), "-n", "1", "--days", "2", "--executor", "serial")
            self.add(
                category, Case(f"{id} (compare)", (*argv, "--out", self.out()), says=(name, *says), **kw)
            )


# ------------------------------------------------------------------------------ scenarios


def structural(c: Corpus) -> None:
    """Bytes and YAML that are not a scenario at all, or only just."""
    cat = "structure"
    bad_bytes = {
        "nul byte": (b"name: a\x00b\n", ("U+0000 (NUL)", ":1:", "column 8")),
        "escape character": (b"name: x\npopulation:\n  initial_members: 3\x1b[2J\n", ("U+001B (ESC)", ":3:")),
        "bell in a key": (b"na\x07me: x\n", ("U+0007 (BEL)", ":1:")),
        "delete character": (b"name: x\x7f\n", ("U+007F (DEL)",)),
        "C1 control": ("name: x\u009b\n".encode(), ("U+009B",)),
        "U+FFFE": ("name: x\ufffe\n".encode(), ("U+FFFE",)),
        "invalid UTF-8": (b"name: x\ndescription: {en: \xff}\n", ("not UTF-8", ":2:")),
        "UTF-16 file": ("name: x\n".encode("utf-16"), ("not UTF-8", ":1:")),
        "overlong UTF-8": (b"name: \xc0\xaf\n", ("not UTF-8",)),
        "escaped lone surrogate": (b'name: "bad\\ud800name"\n', ("lone surrogate U+D800", "name")),
        "escaped NUL": (b'name: "a\\0b"\n', ("U+0000 (NUL)", "name")),
        "escaped ESC in a description": (b'description: {en: "\\e[31mred"}\n', ("U+001B", "description.en")),
        "empty file": (b"", ("expected a mapping of fields", "empty")),
        "only comments": (b"# nothing\n# here\n", ("expected a mapping of fields",)),
        "a list": (b"- name: x\n", ("expected a mapping of fields", "list")),
        "a scalar": (b"just text\n", ("expected a mapping of fields", "str")),
        "two documents": (b"name: x\n---\nname: y\n", ("malformed YAML", ":2:")),
        "tab indentation": (b"name: x\npopulation:\n\tinitial_members: 3\n", ("malformed YAML", ":3:")),
        "unterminated quote": (b"name: 'x\n", ("malformed YAML",)),
        "unclosed flow list": (b"horizon:\n  report_days: [7, 30\n", ("malformed YAML",)),
        "60 levels deep": (b"name: x\nbehaviour: " + b"[" * 60 + b"]" * 60 + b"\n", ("nested too deeply",)),
        "3000 levels deep": (
            b"name: x\nbehaviour: " + b"[" * 3000 + b"]" * 3000 + b"\n",
            ("nested too deeply",),
        ),
        "billion laughs": (_billion_laughs(9).encode(), ("more than 50,000 values", "lol4")),
        "billion laughs through merge keys": (
            (
                "a: &a {k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7, k8: 8, k9: 9}\n"
                + "".join(
                    f"m{i}: &m{i} {{<<: [{', '.join([f'*{p}'] * 6)}]}}\n"
                    for i, p in enumerate(["a", "m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7"])
                )
            ).encode(),
            ("more than 50,000 values",),
        ),
        "recursive alias": (
            b"name: x\nhorizon:\n  report_days: &r [7, *r]\n",
            ("recursive YAML is not allowed",),
        ),
        "undefined alias": (b"name: *nope\n", ("malformed YAML",)),
        "python object tag": (b"name: !!python/object/apply:os.system ['true']\n", ("not allowed",)),
        "binary tag": (b"name: !!binary aGVsbG8=\n", ("not allowed",)),
        "custom tag": (b"name: !secret x\n", ("not allowed",)),
        "set tag": (b"name: !!set {a, b}\n", ("not allowed",)),
        "duplicate key": (b"name: x\nname: y\n", ("duplicate key", ":2:")),
        "list as a key": (b"? [a, b]\n: 1\n", ("keys must be plain names",)),
        "null key": (b"~: 1\n", ("keys must be plain names",)),
        "5000-digit number": (
            b"horizon:\n  days: " + b"9" * 5000 + b"\n",
            ("a number of 5,000 digits", "horizon.days"),
        ),
        "infinite float in an int field": (b"horizon:\n  days: .inf\n", ("horizon.days", "whole number")),
        "NaN": (
            b"population:\n  organic_prospects_per_day: .nan\n",
            ("population.organic_prospects_per_day",),
        ),
        "a date for a number": (b"horizon:\n  days: 2024-01-01\n", ("horizon.days",)),
        "100,000-character key": (b"x" * 100_000 + b": 1\n", ("malformed YAML",)),
        "20,000 unknown keys": (
            b"".join(b"k%d: 1\n" % i for i in range(20_000)),
            ("unknown field", "19,950 more problems"),
        ),
        "60,000 values": (b"x: [" + b"1," * 60_000 + b"]\n", ("more than 50,000 values",)),
        "300 KB file": (b"name: x\n" + b"# " + b"x" * 300_000 + b"\n", ("KiB", "at most 256 KiB")),
        "homoglyph key": (
            "populat\u0456on:\n  initial_members: 3\n".encode(),
            ("did you mean 'population'",),
        ),
    }
    for id, (content, says) in bad_bytes.items():
        c.validate(cat, id, c.file(f"structure/{id.replace(' ', '_')}.yaml", content), says)

    folder = c.root / "structure"
    fifo = folder / "pipe.yaml"
    os.mkfifo(fifo)
    c.validate(cat, "named pipe", fifo, ("named pipe",))
    c.validate(cat, "/dev/zero", "/dev/zero", ("is a device",))
    c.validate(cat, "/dev/null", "/dev/null", ("is a device",))
    c.validate(cat, "a folder", folder, ("is a folder",))
    loop = folder / "loop.yaml"
    os.symlink(folder / "loop2.yaml", loop)
    os.symlink(loop, folder / "loop2.yaml")
    c.validate(cat, "symbolic link loop", loop, ("symbolic link", "loops"))
    sock = folder / "socket.yaml"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.bind(str(sock))
    c.validate(cat, "socket", sock, ("is a socket",))
    c.validate(cat, "missing file", folder / "basline.yaml", ("file not found",))
    c.validate(cat, "300-character file name", folder / ("a" * 300 + ".yaml"), ("305 bytes long",))
    long_path = "/".join(["d" * 200] * 25) + "/s.yaml"
    c.validate(cat, "5,000-byte path", long_path, ("bytes long; a path may be at most 4,096",))
    # valid oddities
    for id, content in {
        "byte-order mark": "\ufeffname: bom\nhorizon: {days: 5}\n",
        "CRLF line endings": "name: crlf\r\nhorizon: {days: 5}\r\n",
        "200 KB name": "name: " + "n" * 200_000 + "\nhorizon: {days: 3}\n",
    }.items():
        path = c.file(f"structure/ok_{id.replace(' ', '_')}.yaml", content)
        c.add(cat, Case(f"{id} (validate)", ("validate", str(path)), exit=0, says=("ok",)))
        c.add(
            cat,
            Case(
                f"{id} (run)", ("run", str(path), "--days", "3", "--out", c.out()), exit=0, says=("Report:",)
            ),
        )


def fields(c: Corpus) -> None:
    """Well-formed YAML whose values are wrong: types, bounds, repeats, sizes."""
    cat = "fields"
    cases = {
        "report days out of range and repeated": (
            "horizon:\n  report_days: [7, -3, 0, 99999, 7]\n",
            ("horizon.report_days[1]", "horizon.report_days[3]", ">= 1", "<= 3650"),
        ),
        "report days repeated": ("horizon:\n  report_days: [7, 30, 7]\n", ("report days repeat: 7",)),
        "5,000 report days": (
            "horizon:\n  report_days: [" + ", ".join(str(1 + i % 3000) for i in range(5000)) + "]\n",
            ("horizon.report_days", "at most 100"),
        ),
        "horizon of zero days": ("horizon: {days: 0}\n", ("horizon.days", ">= 1")),
        "horizon beyond ten years": ("horizon: {days: 3651}\n", ("horizon.days", "<= 3650")),
        "text for a number": (
            "population: {initial_members: lots}\n",
            ("population.initial_members", "whole number"),
        ),
        "huge number": ("kol: {count: 100000000000000000000}\n", ("kol.count", "<= 200")),
        "a list for a section": ("population: [1, 2]\n", ("population", "mapping")),
        "an empty section": ("population: ~\n", ("population",)),
        "unknown nested key": ("cadence: {red_packet: {enabled: true}}\n", ("did you mean 'red_packets'",)),
        "timeline as a mapping": ("timeline: {day: 1}\n", ("timeline", "list")),
        "timeline entry as text": ("timeline: [hello]\n", ("timeline[0]",)),
        "unknown action": ("timeline:\n  - {day: 1, action: mass_ad}\n", ("did you mean 'mass_add'",)),
        "missing action": ("timeline:\n  - {day: 1}\n", ("needs an 'action'",)),
        "negative day": ("timeline:\n  - {day: -1, action: run_event}\n", ("timeline[0].day", ">= 0")),
        "set of an unknown path": (
            "timeline:\n  - {day: 1, action: set, changes: {rules.ban_adz: true}}\n",
            ("timeline[0].changes.rules.ban_adz", "did you mean"),
        ),
        "set nested 45 deep": (
            "timeline:\n  - {day: 1, action: set, changes: " + "{a: " * 45 + "1" + "}" * 46 + "\n",
            ("timeline[0].changes",),
        ),
        "5,001 timeline entries": (
            "timeline:\n" + "".join("  - {day: 1, action: run_event}\n" for _ in range(5_001)),
            ("timeline", "5,001 entries; at most 5,000"),
        ),
        "a rule across fields": (
            "horizon: {sustained_weeks: 3, sustained_min_weeks: 5}\n",
            ("sustained_min_weeks must not exceed sustained_weeks",),
        ),
    }
    for id, (text, says) in cases.items():
        path = c.file(f"fields/{id.replace(' ', '_').replace(',', '')}.yaml", "name: f\n" + text)
        c.validate(cat, id, path, says, compare=True)


def extends(c: Corpus) -> None:
    """`extends:` used to read files it must not, to loop, or to go too deep."""
    cat = "extends"
    folder = c.root / "extends"
    secret = c.root / "outside" / "secret.yaml"
    c.file("outside/secret.yaml", f"name: secret\ndescription: {{en: {SECRET}}}\n")
    c.file("outside/notes.txt", f"password: {SECRET}\n")
    c.file("extends/base.yaml", "name: base\nhorizon: {days: 5}\n")
    c.file("extends/sub/inner.yaml", "name: inner\nhorizon: {days: 5}\n")
    os.symlink(secret, folder / "link_out.yaml")
    os.symlink("/dev/zero", folder / "link_zero.yaml")
    os.mkfifo(folder / "fifo.yaml")
    c.file("extends/not_a_scenario.yaml", f"password: {SECRET}\ntoken: {SECRET}\n")
    c.file("extends/laughs.yaml", _billion_laughs(8))
    c.file("extends/big.yaml", "name: big\n# " + "x" * 300_000 + "\n")
    c.file("extends/latin1.yaml", b"name: caf\xe9\n")
    c.file("extends/bad_value.yaml", "name: bad\npopulation: {initial_members: -5}\n")
    cases = {
        "/etc/shadow": ("/etc/shadow", ("is outside", "extends")),
        "/etc/passwd": ("/etc/passwd", ("is outside", "extends")),
        "/proc/self/environ": ("/proc/self/environ", ("is outside",)),
        "a file outside the folder": (str(secret), ("is outside",)),
        "../ out of the folder": ("../outside/secret.yaml", ("is outside",)),
        "a text file outside": ("../outside/notes.txt", ("is outside",)),
        "a symbolic link pointing outside": ("link_out.yaml", ("is outside",)),
        "a symbolic link to /dev/zero": ("link_zero.yaml", ("is outside",)),
        "/dev/zero": ("/dev/zero", ("is outside",)),
        "a named pipe in the folder": ("fifo.yaml", ("named pipe",)),
        "the folder itself": (".", ("is a folder",)),
        "a missing file": ("bsae.yaml", ("file not found", "did you mean base.yaml")),
        "a 300-character name": ("a" * 300 + ".yaml", ("305 bytes long",)),
        "a NUL in the name": ('"base\\0.yaml"', ("U+0000 (NUL)",)),
        "a number": ("5", ("expected the path of another scenario file",)),
        "a list": ("[base.yaml]", ("expected the path of another scenario file",)),
        "empty text": ("''", ("expected the path of another scenario file",)),
        "a file that is not a scenario": ("not_a_scenario.yaml", ("does not look like a scenario file",)),
        "a billion laughs": ("laughs.yaml", ("more than 50,000 values",)),
        "a 300 KB file": ("big.yaml", ("at most 256 KiB",)),
        "a Latin-1 file": ("latin1.yaml", ("not UTF-8",)),
        "a parent with a bad value": ("bad_value.yaml", ("population.initial_members", "bad_value.yaml")),
    }
    for id, (target, says) in cases.items():
        path = c.file(f"extends/x_{len(c.cases.get(cat, []))}.yaml", f"name: child\nextends: {target}\n")
        c.validate(cat, f"extends {id}", path, says, compare=True, never=(SECRET, "root:"))
    c.validate(
        cat, "extends itself", c.file("extends/self.yaml", "extends: self.yaml\n"), ("a cycle of 'extends'",)
    )
    c.file("extends/cycle_a.yaml", "extends: cycle_b.yaml\n")
    c.file("extends/cycle_b.yaml", "extends: cycle_c.yaml\n")
    c.validate(
        cat,
        "a cycle of three",
        c.file("extends/cycle_c.yaml", "extends: cycle_a.yaml\n"),
        ("a cycle of 'extends'",),
    )
    for length in (17, 1200):
        for i in range(length):
            parent = f"extends: chain{length}_{i + 1}.yaml\n" if i + 1 < length else ""
            c.file(f"extends/chains/chain{length}_{i}.yaml", f"{parent}name: link{i}\nhorizon: {{days: 5}}\n")
        c.validate(
            cat,
            f"a chain of {length} files",
            c.root / f"extends/chains/chain{length}_0.yaml",
            ("a chain of more than 16 files", "chain"),
        )
    # allowed: beside it, below it, and an allowed folder
    for id, target in {"a sibling": "base.yaml", "a file below": "sub/inner.yaml"}.items():
        path = c.file(f"extends/ok_{id.replace(' ', '_')}.yaml", f"extends: {target}\nname: ok\n")
        c.add(cat, Case(f"extends {id}", ("validate", str(path)), exit=0, says=("ok",)))
    path = c.file("extends/ok_allowed.yaml", f"extends: {secret}\nname: ok\n")
    c.add(
        cat,
        Case(
            "extends a folder on GROUPSIM_EXTENDS_ALLOW",
            ("validate", str(path)),
            exit=0,
            says=("ok",),
            env={"GROUPSIM_EXTENDS_ALLOW": str(secret.parent)},
        ),
    )


def extremes(c: Corpus) -> None:
    """Valid scenarios at the edges: explosive growth is refused with the fields responsible,
    tiny and long runs finish, entries that can never happen are flagged."""
    cat = "extremes"
    c.add(
        cat,
        Case(
            "every lever at its maximum for 30 days",
            ("run", str(c.file("extremes/max.yaml", _max_everything(30))), "--out", c.out()),
            says=("max.yaml", "members ever", "groupsim simulates at most"),
        ),
    )
    c.add(
        cat,
        Case(
            "a referral explosion",
            (
                "run",
                str(
                    c.file(
                        "extremes/referral.yaml",
                        "name: explosion\nhorizon: {days: 30}\npopulation: {initial_members: 30}\n"
                        "referral: {base_rate: 10, acceptance: 1, fatigue: 1, product_quality: 1, reliability: 1}\n",
                    )
                ),
                "--out",
                c.out(),
            ),
            says=("members ever", "by referral", "referral.base_rate"),
        ),
    )
    scheduled = c.file(
        "extremes/mass_adds.yaml",
        "name: mass\nmatrix: {max_group_size: 100000}\ntimeline:\n"
        + "".join(f"  - {{day: {d}, action: mass_add, count: 100000}}\n" for d in (1, 2, 3)),
    )
    c.add(
        cat,
        Case(
            "mass-adds scheduled past the cap (validate)", ("validate", str(scheduled)), says=("schedules",)
        ),
    )
    c.add(
        cat,
        Case(
            "mass-adds scheduled past the cap (run)",
            ("run", str(scheduled), "--out", c.out()),
            says=("schedules",),
        ),
    )
    tiny = c.file(
        "extremes/tiny_groups.yaml",
        "name: tiny\npopulation: {initial_members: 5000}\nmatrix: {max_group_size: 2}\n",
    )
    c.add(cat, Case("5,000 founders in groups of 2", ("run", str(tiny), "--out", c.out()), says=("groups",)))
    c.add(
        cat,
        Case(
            "every lever at its minimum",
            ("run", str(c.file("extremes/min.yaml", _min_everything())), "--days", "30", "--out", c.out()),
            exit=0,
        ),
    )
    late = c.file(
        "extremes/late.yaml", "name: late\nhorizon: {days: 10}\ntimeline:\n  - {day: 60, action: run_event}\n"
    )
    c.add(
        cat,
        Case(
            "a timeline entry after the horizon",
            ("run", str(late), "--out", c.out()),
            exit=0,
            says=("timeline[0]", "never happens"),
        ),
    )
    c.add(
        cat,
        Case(
            "a timeline entry after the horizon (validate)",
            ("validate", str(late)),
            exit=0,
            says=("never happens",),
        ),
    )
    long_run = c.file(
        "extremes/ten_years.yaml", "name: decade\nhorizon: {days: 3650}\npopulation: {initial_members: 3}\n"
    )
    c.add(cat, Case("ten years of a tiny group", ("run", str(long_run), "--out", c.out()), exit=0))


# ---------------------------------------------------------------------------------- commands


def experiments(c: Corpus) -> None:
    """Experiment files: sizes, types, the base scenario, levers, designs, outcomes."""
    cat = "experiments"
    c.file("experiments/not_a_scenario.yaml", f"password: {SECRET}\n")
    c.file("experiments/invalid.yaml", "name: invalid\npopulation: {initial_members: -1}\n")
    base = f"base: {BASELINE}\n"
    good = (
        base
        + "set: {horizon.days: 5, horizon.report_days: [5]}\nparameters:\n  kol.count: [0, 1]\ndesign: grid\nreplicates: 1\nanalysis: {survival_day: 5}\n"
    )

    def variant(old: str, new: str) -> str:
        assert old in good, old
        return good.replace(old, new)

    cases = {
        "replicates: true": (variant("replicates: 1", "replicates: true"), ("replicates", "whole number")),
        "seed: true": (good + "seed: true\n", ("seed", "whole number")),
        "replicates: 0": (variant("replicates: 1", "replicates: 0"), ("replicates", ">= 1")),
        "a million replicates": (
            variant("replicates: 1", "replicates: 1000000"),
            ("replicates", "<= 100000"),
        ),
        "lhs of 10**30 samples": (
            variant("design: grid", "design: {kind: lhs, samples: " + "1" + "0" * 30 + "}"),
            ("design.samples", "<= 200000"),
        ),
        "lhs of 10**9 samples": (
            variant("design: grid", "design: {kind: lhs, samples: 1000000000}"),
            ("design.samples",),
        ),
        "Sobol of 2**40": (
            variant("design: grid", f"design: {{kind: sobol, samples: {2**40}}}"),
            ("design.samples",),
        ),
        "Sobol of 2**17 over 2 levers": (
            variant(
                "  kol.count: [0, 1]\ndesign: grid",
                "  kol.count: [0, 1]\n  entry.strictness: {range: [0, 1]}\ndesign: {kind: sobol, samples: 131072}",
            ),
            ("786,432 points",),
        ),
        "a grid of 5 levers x 10,000 steps": (
            variant(
                "  kol.count: [0, 1]\n",
                "".join(
                    f"  {p}: {{range: [0, 1], steps: 10000}}\n"
                    for p in (
                        "entry.strictness",
                        "positioning.focus",
                        "rules.norm_effect",
                        "referral.acceptance",
                        "referral.homophily",
                    )
                ),
            ),
            ("points; a sweep may have at most 200,000",),
        ),
        "runs past a million": (
            variant(
                "  kol.count: [0, 1]\ndesign: grid\nreplicates: 1",
                "  entry.strictness: {range: [0, 1]}\ndesign: {kind: lhs, samples: 200000}\nreplicates: 10",
            ),
            ("2,000,000 runs",),
        ),
        "a billion laughs of levels": (
            variant("  kol.count: [0, 1]\n", "  kol.count: [0, 1]\n") + _billion_laughs(8, key="lol"),
            ("more than 50,000 values",),
        ),
        "aliased levels (4 deep)": (
            base
            + "parameters:\n  entry.threshold: &t0 [none, paid]\n  kol.count: &t1 [*t0, *t0, *t0, *t0]\n  rules.admins: [*t1, *t1, *t1, *t1]\ndesign: grid\nreplicates: 1\n",
            ("parameters.kol.count",),
        ),
        "12,000 levels": (
            variant(
                "kol.count: [0, 1]", "kol.count: [" + ", ".join(str(i % 200) for i in range(12_000)) + "]"
            ),
            ("parameters.kol.count.levels", "at most 10,000"),
        ),
        "a missing base": (
            good.replace(str(BASELINE), str(BASELINE.parent / "basline.yaml")),
            ("base", "file not found"),
        ),
        "/etc/shadow as the base": (
            good.replace(str(BASELINE), "/etc/shadow"),
            # root reads it and finds no scenario; anyone else may not read it at all
            (
                "base",
                "does not look like a scenario" if os.access("/etc/shadow", os.R_OK) else "could not be read",
            ),
        ),
        "/dev/zero as the base": (good.replace(str(BASELINE), "/dev/zero"), ("base", "is a device")),
        "a folder as the base": (good.replace(str(BASELINE), str(SCENARIOS)), ("base", "is a folder")),
        "a 300-character base name": (
            good.replace(str(BASELINE), "a" * 300 + ".yaml"),
            ("base", "305 bytes long"),
        ),
        "a NUL in the base": (good.replace(str(BASELINE), '"a\\0b.yaml"'), ("base", "U+0000 (NUL)")),
        "a base that is not a scenario": (
            good.replace(str(BASELINE), "not_a_scenario.yaml"),
            ("base", "does not look like a scenario"),
        ),
        "an invalid base scenario": (
            good.replace(str(BASELINE), "invalid.yaml"),
            ("base", "is not a valid scenario", "invalid.yaml", "population.initial_members"),
        ),
        "an unknown fixed path": (
            variant("horizon.days: 5,", "horizon.dayz: 5,"),
            ("did you mean 'horizon.days'",),
        ),
        "an unknown lever": (variant("kol.count:", "kol.cuont:"), ("did you mean 'kol.count'",)),
        "a section as a lever": (variant("kol.count: [0, 1]", "kol: [0, 1]"), ("is a section",)),
        "a range outside the bounds": (
            variant("kol.count: [0, 1]", "entry.strictness: {range: [0, 2], steps: 3}"),
            ("outside the bounds",),
        ),
        "a range over an excluded bound": (
            variant("kol.count: [0, 1]", "population.attention_median_msgs: {range: [0, 100], steps: 3}"),
            ("(0, 2000]",),
        ),
        "lists as levels": (
            variant("kol.count: [0, 1]", "entry.threshold: [[none], [paid]]"),
            ("not a choice",),
        ),
        "an unknown design": (variant("design: grid", "design: sobel"), ("did you mean 'sobol'",)),
        "a survival day of 0": (
            variant("survival_day: 5", "survival_day: 0"),
            ("analysis.survival_day", ">= 1"),
        ),
        "a survival day past the horizon": (
            variant("survival_day: 5", "survival_day: 3000"),
            ("beyond the horizon",),
        ),
        "an unknown outcome": (good + "outcomes: [lifespan_dayz]\n", ("did you mean 'lifespan_days'",)),
        "a text outcome to analyse": (
            variant("analysis: {survival_day: 5}", "analysis: {survival_day: 5, extra_outcomes: [ended_by]}")
            + "outcomes: [ended_by]\n",
            ("ended_by is not a number",),
        ),
        "a malformed scheduler": (
            good + "executor: {kind: dask, scheduler: 'not an address'}\n",
            ("executor.scheduler", "not a scheduler address"),
        ),
        "2,000 levers": (
            base
            + "parameters:\n"
            + "".join(f"  p{i}: [0, 1]\n" for i in range(2000))
            + "design: grid\nreplicates: 1\n",
            ("parameters", "at most 1,000"),
        ),
    }
    for id, (text, says) in cases.items():
        path = c.file(f"experiments/{len(c.cases.get(cat, []))}.yaml", text)
        c.add(
            cat,
            Case(
                id,
                ("sweep", str(path), "--executor", "serial", "--out", c.out()),
                says=(path.name, *says),
                never=(SECRET,),
            ),
        )
    for id, content in {"a NUL byte": b"name: x\x00\n", "Latin-1": b"name: caf\xe9\n"}.items():
        path = c.file(f"experiments/bytes_{len(c.cases[cat])}.yaml", content)
        c.add(
            cat, Case(f"experiment file with {id}", ("sweep", str(path), "--out", c.out()), says=(path.name,))
        )
    fifo = c.root / "experiments" / "pipe.yaml"
    os.mkfifo(fifo)
    c.add(cat, Case("a named pipe as the experiment", ("sweep", str(fifo)), says=("named pipe",)))
    c.add(cat, Case("/dev/zero as the experiment", ("sweep", "/dev/zero"), says=("is a device",)))
    ok = c.file("experiments/good.yaml", good)
    c.add(
        cat,
        Case(
            "a small valid sweep",
            ("sweep", str(ok), "--executor", "serial", "--out", c.out()),
            exit=0,
            says=("groupsim analyze",),
        ),
    )


def command_line(c: Corpus) -> None:
    """Options out of range, malformed, or contradictory."""
    cat = "command line"
    s = str(BASELINE)
    long_out = "/".join(["o" * 200] * 25)
    file_out = c.file("cli/a_file.txt", "x")
    runs = {
        "run --seed -1": (("run", s, "--seed", "-1"), ("--seed",)),
        "run --seed 2**63": (("run", s, "--seed", str(2**63)), ("--seed",)),
        "run --days 0": (("run", s, "--days", "0"), ("--days",)),
        "run --days 4000": (("run", s, "--days", "4000"), ("--days", "horizon.days")),
        "run --set without =": (("run", s, "--set", "kol.count"), ("--set expects path=value",)),
        "run --set 500 levels deep": (
            ("run", s, "--set", "kol.count=" + "[" * 500 + "]" * 500),
            ("--set kol.count", "nested too deeply"),
        ),
        "run --set unknown path": (("run", s, "--set", "kol.cuont=1"), ("did you mean 'kol.count'",)),
        "run --set a NUL escape": (("run", s, "--set", 'name="a\\0b"'), ("--set name", "U+0000")),
        "run --set text for a number": (("run", s, "--set", "kol.count=lots"), ("kol.count",)),
        "run --out 5,000 bytes": (
            ("run", s, "--days", "2", "--out", long_out),
            ("--out", "a path may be at most"),
        ),
        "run --out a 300-character name": (
            ("run", s, "--days", "2", "--out", str(c.root / ("o" * 300))),
            ("--out", "300 bytes long"),
        ),
        "run --out a file": (("run", s, "--days", "2", "--out", str(file_out)), ("is a file",)),
        "run --out inside a file": (
            ("run", s, "--days", "2", "--out", str(file_out / "sub")),
            ("a_file.txt is a file, so",),
        ),
        "compare -n 0": (("compare", s, "-n", "0"), ("--replicates must be at least 1",)),
        "compare -n 10**12": (("compare", s, "-n", str(10**12)), ("--replicates must be at most 100,000",)),
        "compare too many run-days": (
            ("compare", s, str(SCENARIOS / "unmanaged.yaml"), "-n", "90000"),
            ("run-days",),
        ),
        "compare --executor foo": (("compare", s, "-n", "1", "--executor", "foo"), ("--executor must be",)),
        "compare --scheduler garbage": (
            ("compare", s, "-n", "1", "--scheduler", "not an address"),
            ("not a scheduler address",),
        ),
        "compare --scheduler with serial": (
            ("compare", s, "-n", "1", "--executor", "serial", "--scheduler", "tcp://h:1"),
            ("--scheduler is for",),
        ),
        "compare --workers 0": (
            ("compare", s, "-n", "1", "--workers", "0"),
            ("--workers must be at least 1",),
        ),
        "compare --workers 10**9": (
            ("compare", s, "-n", "1", "--workers", str(10**9)),
            ("--workers must be at most",),
        ),
        "compare the same scenario twice": (("compare", s, s, "-n", "1"), ("same configuration",)),
        "compare --out 5,000 bytes": (("compare", s, "-n", "1", "--out", long_out), ("--out",)),
        "compare --out a file": (
            ("compare", s, "-n", "1", "--days", "2", "--executor", "serial", "--out", str(file_out)),
            ("is a file",),
        ),
        "compare --out inside a file": (
            ("compare", s, "-n", "1", "--days", "2", "--executor", "serial", "--out", str(file_out / "sub")),
            ("a_file.txt is a file, so",),
        ),
        "sweep --executor foo": (
            ("sweep", str(ROOT / "experiments" / "referral_x_kol.yaml"), "--executor", "foo"),
            ("--executor must be",),
        ),
        "sweep --out a file": (
            (
                "sweep",
                str(ROOT / "experiments" / "referral_x_kol.yaml"),
                "--executor",
                "serial",
                "--out",
                str(file_out),
            ),
            ("is a file",),
        ),
        "analyze a missing folder": (("analyze", str(c.root / "nowhere")), ("is not a folder",)),
        "analyze a file": (("analyze", str(file_out)), ("is not a folder",)),
        "params of nothing": (("params", "zzz"), ("no scenario parameter starts with",)),
        "validate nothing": (("validate",), ("Missing argument",)),
        "an unknown option": (("run", s, "--sed", "1"), ("No such option",)),
    }
    for id, (argv, says) in runs.items():
        c.add(cat, Case(id, argv, says=says))


def results_folders(c: Corpus, sweep: Path) -> None:
    """`groupsim analyze` on damaged copies of a real sweep folder."""
    cat = "results folders"

    def damaged(id: str, change) -> None:
        copy = c.root / "sweeps" / id.replace(" ", "_").replace("/", "_")
        shutil.copytree(sweep, copy)
        change(copy)
        c.add(cat, Case(f"analyze: {id}", ("analyze", str(copy), "--out", c.out()), says=("damaged",)))

    def manifest(edit):
        def change(folder: Path) -> None:
            data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            edit(data)
            (folder / "manifest.json").write_text(json.dumps(data), encoding="utf-8")

        return change

    def truncate(name: str):
        def change(folder: Path) -> None:
            path = folder / name
            path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])

        return change

    def garbage(name: str):
        return lambda folder: (folder / name).write_bytes(os.urandom(2048))

    def rewrite(name: str, edit):
        def change(folder: Path) -> None:
            table = pq.read_table(folder / name)
            pq.write_table(edit(table), folder / name)

        return change

    damaged("manifest truncated", truncate("manifest.json"))
    damaged("manifest garbage", garbage("manifest.json"))
    damaged("identity a string", manifest(lambda m: m.update(identity="sweep")))
    damaged("details missing", manifest(lambda m: m.pop("details")))
    damaged("levers a string", manifest(lambda m: m["details"]["experiment"].update(parameters="kol.count")))
    damaged(
        "a lever without a path", manifest(lambda m: m["details"]["experiment"]["parameters"][0].pop("path"))
    )
    damaged(
        "design kind unknown", manifest(lambda m: m["details"]["experiment"]["design"].update(kind="zzz"))
    )
    damaged(
        "survival day as text",
        manifest(lambda m: m["details"]["experiment"]["analysis"].update(survival_day="ninety")),
    )
    damaged("horizon missing", manifest(lambda m: m.pop("scenarios")))
    damaged("tasks as text", manifest(lambda m: m.update(tasks="many")))
    damaged("design.parquet truncated", truncate("design.parquet"))
    damaged("design.parquet garbage", garbage("design.parquet"))
    damaged("a runs file truncated", truncate("runs/part-00000.parquet"))
    damaged("a runs file garbage", garbage("runs/part-00000.parquet"))
    damaged(
        "runs without lifespan",
        rewrite("runs/part-00000.parquet", lambda t: t.drop_columns(["lifespan_days"])),
    )
    damaged(
        "runs with text for lifespans",
        rewrite(
            "runs/part-00000.parquet",
            lambda t: t.set_column(
                t.schema.get_field_index("lifespan_days"), "lifespan_days", pa.array(["long"] * t.num_rows)
            ),
        ),
    )
    damaged("design without a lever", rewrite("design.parquet", lambda t: t.drop_columns(["kol.count"])))
    c.add(
        cat,
        Case(
            "analyze --survival-day 0",
            ("analyze", str(sweep), "--survival-day", "0", "--out", c.out()),
            says=("survival day", "got 0"),
        ),
    )
    c.add(
        cat,
        Case(
            "analyze --outcome ended_by",
            ("analyze", str(sweep), "--outcome", "ended_by", "--out", c.out()),
            says=("ended_by is not a number",),
        ),
    )
    c.add(
        cat,
        Case(
            "analyze --outcome unknown",
            ("analyze", str(sweep), "--outcome", "lifespan_dayz", "--out", c.out()),
            says=("no 'lifespan_dayz' column",),
        ),
    )
    c.add(
        cat,
        Case(
            "analyze a compare folder",
            ("analyze", str(c.root / "results")),
            says=("not a batch results folder",),
        ),
    )


def build(root: Path, sweep: Path) -> dict[str, list[Case]]:
    """Every case, by category, with its files written under `root`; `sweep` is the folder of a
    finished small sweep (damaged copies of it are made)."""
    corpus = Corpus(root)
    structural(corpus)
    fields(corpus)
    extends(corpus)
    extremes(corpus)
    experiments(corpus)
    command_line(corpus)
    results_folders(corpus, sweep)
    return corpus.cases
