"""No sender name, account number or message text reaches any file observe, calibrate or forecast write."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from calibrate_support import calibrate_command, forecast_command, write_fit
from typer.testing import CliRunner

from sim.cli.common import app

runner = CliRunner()
PEOPLE = [("欧阳娜娜", "58213907"), ("司马相如", "73046219"), ("Zephyrine Quackenbush", "90417365")]
TEXTS = ["今天分享一份曝光参数速查表", "谢谢楼主，收藏了", "Bartholomew's aperture notes"]


def export(days: int = 16) -> str:
    """A QQ text export with distinctive names, numbers and texts, a few messages a day."""
    lines = ["消息记录（此消息记录为文本格式，不支持重新导入）", "", "消息对象:隐私测试群", ""]
    start = date(2024, 5, 1)
    for d in range(days):
        day = start + timedelta(days=d)
        for k, (name, number) in enumerate(PEOPLE[: 1 + d % 3]):
            lines += [f"{day} 1{k}:0{d % 10}:00 {name}({number})", TEXTS[(d + k) % 3], ""]
        if d == 3:
            lines += [f"{day} 20:00:00 系统消息(10000)", "Xanthippe Lollygag(11223344) 加入本群", ""]
    return "\n".join(lines) + "\n"


def strings_in(folder: Path) -> str:
    """Every piece of text under `folder`: file names, raw bytes, Parquet cells and SQLite rows."""
    chunks = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        chunks += [path.name, path.read_bytes().decode("utf-8", errors="ignore")]
        if path.suffix == ".parquet":
            chunks.append(pd.read_parquet(path).astype(str).to_csv())
        elif path.suffix == ".db":
            with sqlite3.connect(path) as connection:
                tables = [
                    row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
                ]
                for table in tables:
                    for row in connection.execute(f"SELECT * FROM {table}"):  # noqa: S608 - our own file
                        chunks.append(
                            " ".join(
                                v.decode("utf-8", "ignore") if isinstance(v, bytes) else str(v) for v in row
                            )
                        )
    return "\n".join(chunks)


def test_no_sender_name_account_or_message_text_reaches_any_output(tmp_path):
    source = tmp_path / "export.txt"
    source.write_text(export(), encoding="utf-8")
    observed, calibrated = tmp_path / "obs", tmp_path / "cal"
    assert (
        runner.invoke(app, ["observe", str(source), "--members", "12", "--out", str(observed)]).exit_code == 0
    )
    fit = write_fit(tmp_path, population=12, generations=1)
    steps = [
        calibrate_command(observed, fit, calibrated, "--executor", "serial"),
        forecast_command(calibrated, tmp_path / "fc", 7),
    ]
    for args in steps:
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    written = strings_in(tmp_path / "obs") + strings_in(calibrated) + strings_in(tmp_path / "fc")
    secrets = [part for name, number in PEOPLE for part in (name, number)] + [
        "Xanthippe",
        "11223344",
        "隐私测试群",
    ]
    for secret in secrets + TEXTS + ["曝光参数", "aperture"]:
        assert secret not in written, secret
