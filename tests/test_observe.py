"""`groupsim observe`: each format turned into the daily observation table, privacy, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli.common import app
from sim.observe import ObserveOptions, load_observation, observe_file
from sim.runner import run_scenario
from sim.scenario import ScenarioError, apply_overrides, load_scenario

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "scenarios" / "data" / "example_group_qq.txt"
TRUTH = ROOT / "scenarios" / "data" / "example_group.truth.json"
runner = CliRunner()

QQ = """消息记录（此消息记录为文本格式，不支持重新导入）

================================================================
消息分组:我的QQ群
================================================================
消息对象:摄影交流群
================================================================

2024-03-01 9:05:00 张三(58213907)
大家好，今天拍了日出

2024-03-01 10:01:02 李四<lisi@example.com>
你好，张三

2024-03-01 11:00:00 系统消息(10000)
王五(73046219) 加入本群

2024-03-01 12:00:00 张三(58213907)
第二条

2024-03-03 12:00:00 【管理员】赵六(90417365)
[图片]

2024-03-03 12:30:00 系统消息(10000)
李四 退出了本群

2024-03-03 13:00:00 系统消息(10000)
赵六邀请钱七、孙八和周九加入了群聊
"""


def write(tmp_path: Path, text: str, name: str = "export.txt", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def observe(*args: str):
    return runner.invoke(app, ["observe", *args])


def flat(text: str) -> str:
    return " ".join(text.split())


def test_a_qq_export_gives_messages_speakers_joins_and_leaves_per_day(tmp_path):
    obs = observe_file(write(tmp_path, QQ), ObserveOptions(format="qq", members=40))
    table = obs.table
    assert list(table["day"]) == [1, 2, 3]
    assert list(table["messages"]) == [3, 0, 1]
    assert list(table["speakers"]) == [2, 0, 1]
    assert list(table["joins"]) == [1, 0, 3]  # one "加入本群", then an invitation naming three people
    assert list(table["leaves"]) == [0, 0, 1]
    assert list(table["members"]) == [38, 38, 40]  # reconstructed backwards from the last day
    assert table["value_posts"].isna().all()
    assert obs.senders is not None and obs.senders["messages"].sum() == 4


def test_the_bundled_synthetic_export_reproduces_the_simulated_series():
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    assert truth["synthetic"] is True and "SYNTHETIC" in EXAMPLE.read_text(encoding="utf-8")[:400]
    scenario = apply_overrides(
        load_scenario(ROOT / truth["base"]),
        {**truth["parameters"], "horizon.days": truth["days"], "horizon.stop_at_death": False},
    )
    daily = run_scenario(scenario, truth["seed"]).daily
    table = observe_file(EXAMPLE, ObserveOptions(format="qq", members=truth["members_on_last_day"])).table
    assert len(table) == truth["days"]
    for column, simulated in (
        ("members", daily["members"]),
        ("joins", daily["joins"]),
        ("leaves", daily["leaves"] + daily["kicks"]),
        ("messages", daily["messages"]),
        ("speakers", daily["speakers"]),
    ):
        assert np.array_equal(table[column].to_numpy(dtype=np.int64), simulated.to_numpy()), column


def test_a_daily_statistics_csv_with_chinese_headers_keeps_missing_days_missing(tmp_path):
    text = "日期,群人数,入群人数,退群人数,消息数,发言人数\n2024/3/1,30,30,0,12,5\n2024/3/2,31,1,0,8,4\n2024/3/4,33,2,0,,6\n"
    table = observe_file(write(tmp_path, text, "stats.csv"), ObserveOptions(format="daily")).table
    assert list(table["day"]) == [1, 2, 3, 4]
    assert table.loc[2].drop(["date", "day"]).isna().all()  # 2024-03-03 is not in the file
    assert pd.isna(table.loc[3, "messages"]) and table.loc[3, "speakers"] == 6  # a blank cell is not a zero
    assert list(table["members"].dropna()) == [30, 31, 33]


def test_columns_of_any_name_can_be_mapped(tmp_path):
    text = "when;size;talk\n2024-03-01;20;5\n2024-03-02;21;7\n"
    path = write(tmp_path, text, "stats.csv")
    result = observe(str(path), "--format", "daily", "--column", "date=when", "--column", "members=size",
                     "--column", "messages=talk", "--out", str(tmp_path / "out"))  # fmt: skip
    assert result.exit_code == 0, result.output
    table = load_observation(tmp_path / "out").table
    assert list(table["messages"]) == [5, 7] and list(table["members"]) == [20, 21]


def test_a_message_csv_counts_system_lines_value_labels_and_unix_times(tmp_path):
    text = (
        "time,sender,content,label\n"
        "1709254800,alice,hello,0\n"  # 2024-03-01 09:00 at UTC+8
        "2024-03-01 10:00:00,bob,a useful guide,1\n"
        "2024-03-01 11:00:00,系统消息,carol joined the group,\n"
        "2024-03-02 09:00:00,alice,thanks,0\n"
    )
    options = ObserveOptions(format="messages", columns={"value": "label"})
    table = observe_file(write(tmp_path, text, "messages.csv"), options).table
    assert list(table["messages"]) == [2, 1]
    assert list(table["speakers"]) == [2, 1]
    assert list(table["joins"]) == [1, 0]
    assert list(table["value_posts"]) == [1, 0]


def test_a_gb18030_export_is_read_without_being_told(tmp_path):
    obs = observe_file(write(tmp_path, QQ, encoding="gb18030"), ObserveOptions(format="qq"))
    assert obs.meta["source"]["encoding"] == "gb18030"
    assert int(obs.table["messages"].sum()) == 4


def test_founded_shifts_the_day_numbers(tmp_path):
    path = write(tmp_path, QQ)
    result = observe(str(path), "--founded", "2024-02-20", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert list(load_observation(tmp_path / "out").table["day"]) == [10, 11, 12]


def test_observe_writes_the_table_a_summary_and_metadata_and_refuses_to_overwrite(tmp_path):
    out = tmp_path / "obs"
    result = observe(str(write(tmp_path, QQ)), "--members", "40", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {
        "observed.parquet",
        "senders.parquet",
        "observation.json",
        "summary.html",
        ".groupsim-kind",  # the marker: --overwrite elsewhere will never take this folder
    }
    meta = json.loads((out / "observation.json").read_text(encoding="utf-8"))
    assert meta["observed_columns"] == ["members", "joins", "leaves", "messages", "speakers"]
    again = observe(str(write(tmp_path, QQ)), "--out", str(out))
    assert again.exit_code == 2 and "--overwrite" in flat(again.output)
    assert observe(str(write(tmp_path, QQ)), "--out", str(out), "--overwrite").exit_code == 0


def test_pseudonyms_are_unlinkable_by_default_and_stable_with_a_salt(tmp_path):
    path = write(tmp_path, QQ)
    first, second = (observe_file(path, ObserveOptions(format="qq")).senders for _ in range(2))
    assert set(first["sender"]).isdisjoint(second["sender"])
    salted = [observe_file(path, ObserveOptions(format="qq", salt="s3cret")).senders for _ in range(2)]
    assert list(salted[0]["sender"]) == list(salted[1]["sender"])


NAMES = ("张三", "李四", "王五", "赵六", "钱七", "58213907", "lisi@example.com", "73046219", "90417365")
TEXTS = ("大家好", "今天拍了日出", "你好", "第二条", "摄影交流群", "我的QQ群")


def strings_in(folder: Path) -> str:
    """Every piece of text in every file under `folder`: Parquet cells, SQLite rows, raw bytes."""
    import sqlite3

    chunks = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        chunks.append(path.name)
        chunks.append(path.read_bytes().decode("utf-8", errors="ignore"))
        if path.suffix == ".parquet":
            chunks.append(pd.read_parquet(path).astype(str).to_csv())
        elif path.suffix == ".db":
            with sqlite3.connect(path) as connection:
                for (table,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'"):
                    for row in connection.execute(f"SELECT * FROM {table}"):  # noqa: S608 - our own file
                        chunks.append(
                            " ".join(
                                str(v) if not isinstance(v, bytes) else v.decode("utf-8", "ignore")
                                for v in row
                            )
                        )
    return "\n".join(chunks)


def test_no_sender_name_or_message_text_is_written_by_observe(tmp_path):
    out = tmp_path / "obs"
    assert observe(str(write(tmp_path, QQ)), "--members", "40", "--out", str(out)).exit_code == 0
    text = strings_in(out)
    for secret in NAMES + TEXTS:
        assert secret not in text, secret


@pytest.mark.parametrize(
    "content, args, expected",
    [
        (
            QQ.replace("2024-03-03 12:00:00 【管理员】", "2024-13-03 12:00:00 【管理员】"),
            [],
            "export.txt:21: expected a date and time",
        ),
        ("hello\nworld\n", [], "has no message lines"),
        (QQ + "\n消息对象:另一个群\n2024-03-04 10:00:00 A(1)\nx\n", [], "more than one chat"),
        (QQ, ["--chat", "摄影交流"], "did you mean '摄影交流群'"),
        (QQ, ["--founded", "2024-03-01"], "must be founded before"),
        (QQ, ["--founded", "yesterday"], "--founded expects a date"),
        (QQ, ["--format", "whatsapp"], "--format must be one of"),
        (QQ, ["--encoding", "klingon"], "unknown encoding"),
    ],
)
def test_bad_qq_exports_and_options_get_a_located_message_and_exit_code_2(tmp_path, content, args, expected):
    result = observe(str(write(tmp_path, content)), "--out", str(tmp_path / "out"), *args)
    assert result.exit_code == 2, result.output
    assert expected in flat(result.output)
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "content, args, expected",
    [
        (
            "date,messages\n2024-03-01,5\n2024-03-01,6\n",
            [],
            "stats.csv:3: date: 2024-03-01 appears twice (first on line 2)",
        ),
        (
            "date,messages\n2024-03-01,five\n",
            [],
            "stats.csv:2: messages: expected a whole number, got 'five'",
        ),
        ("date,messages\nsoon,5\n", [], "stats.csv:2: date: expected a date"),
        ("day_of,msgs\n2024-03-01,5\n", [], "no date column"),
        ("date\n2024-03-01\n", [], "names a date column but no counts"),
        ("date,messages\n2024-03-01,5\n", ["--column", "mesages=messages"], "did you mean 'messages'"),
        ("date,messages\n2024-03-01,5\n", ["--column", "members=size"], "no column 'size'"),
        ("", [], "is empty"),
    ],
)
def test_bad_daily_files_get_a_located_message_and_exit_code_2(tmp_path, content, args, expected):
    path = write(tmp_path, content, "stats.csv")
    result = observe(str(path), "--format", "daily", "--out", str(tmp_path / "out"), *args)
    assert result.exit_code == 2, result.output
    assert expected in flat(result.output)
    assert "Traceback" not in result.output


def test_a_bad_message_csv_row_names_its_line(tmp_path):
    path = write(tmp_path, "time,sender,text\n2024-03-01 09:00:00,a,x\nlater,b,y\n", "m.csv")
    result = observe(str(path), "--format", "messages", "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and "m.csv:3: timestamp: expected a time" in flat(result.output)


def test_binary_and_missing_files_are_refused_clearly(tmp_path):
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert "binary file" in flat(observe(str(binary), "--out", str(tmp_path / "a")).output)
    missing = observe(str(tmp_path / "exprot.txt"), "--out", str(tmp_path / "b"))
    assert missing.exit_code == 2 and "file not found" in flat(missing.output)


def test_an_observation_folder_is_checked_when_loaded(tmp_path):
    with pytest.raises(ScenarioError, match="not an observation folder"):
        load_observation(tmp_path)
