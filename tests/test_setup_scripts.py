"""The README's test command on a fresh machine: which Debian packages it installs, how, and in what
order it sets up, lints and tests.

`scripts/system_packages.sh` and `scripts/test.sh` run here for real, in a copy of the scripts,
with a PATH holding only stub commands that log their arguments (apt-get, sudo, id, python3, and
chromium, fc-list or shellcheck when a case says they are installed) plus the few real tools the
scripts use. Nothing is installed and no root is needed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL_TOOLS = ("bash", "dirname", "grep", "env", "cp")
ALL_PACKAGES = ["chromium", "fonts-wqy-microhei", "shellcheck"]


def stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)


def machine(
    tmp_path: Path,
    *,
    uid: int,
    sudo: bool = False,
    installed: tuple[str, ...] = (),
    venv: bool = True,
    ensurepip: bool = True,
    fc_list: bool = False,
) -> tuple[Path, dict[str, str], Path]:
    """A copy of scripts/ (and .ci/) in a fresh folder, and a PATH of stubs describing a machine.
    Returns the copy, the environment to run it in, and the log every stub appends to."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "scripts", repo / "scripts")
    shutil.copytree(ROOT / ".ci", repo / ".ci")
    if venv:
        (repo / ".venv" / "bin").mkdir(parents=True)
        stub(repo / ".venv" / "bin", "python", 'echo "python $*" >> "$LOG"')
        stub(repo / ".venv" / "bin", "ruff", 'echo "ruff $*" >> "$LOG"')
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    for tool in REAL_TOOLS:
        os.symlink(shutil.which(tool), bin_ / tool)
    log = tmp_path / "log"
    log.touch()
    stub(bin_, "id", f'[ "$1" = "-u" ] && echo {uid}')
    stub(bin_, "apt-get", 'echo "apt-get $* [DEBIAN_FRONTEND=$DEBIAN_FRONTEND]" >> "$LOG"')
    if sudo:
        stub(bin_, "sudo", 'echo "sudo $*" >> "$LOG"; exec "$@"')
    if "chromium" in installed:
        stub(bin_, "chromium", "exit 0")
    if "fonts-wqy-microhei" in installed:
        stub(bin_, "fc-list", 'echo "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc: WenQuanYi Micro Hei"')
    elif fc_list:  # fontconfig without the CJK font
        stub(bin_, "fc-list", 'echo "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf: DejaVu Sans"')
    if "shellcheck" in installed:
        stub(bin_, "shellcheck", 'echo "shellcheck $*" >> "$LOG"')
    stub(bin_, "python3", "exit 0" if ensurepip else "exit 1")  # only `python3 -c "import ensurepip"`
    stub(repo / "scripts", "setup.sh", 'echo "setup.sh" >> "$LOG"')  # run with bash: no .venv to make
    env = {"PATH": str(bin_), "LOG": str(log), "HOME": str(tmp_path)}
    return repo, env, log


def run(repo: Path, env: dict[str, str], script: str) -> subprocess.CompletedProcess:
    bash = shutil.which("bash")
    assert bash is not None
    return subprocess.run(
        [bash, str(repo / "scripts" / script)], env=env, capture_output=True, text=True, timeout=60
    )


def logged(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines()


def test_as_root_without_sudo_apt_get_installs_what_is_missing_directly(tmp_path):
    repo, env, log = machine(tmp_path, uid=0)  # no chromium, no fc-list, no shellcheck, no sudo
    result = run(repo, env, "system_packages.sh")
    assert result.returncode == 0, result.stderr
    assert logged(log) == [
        "apt-get update -qq [DEBIAN_FRONTEND=]",
        f"apt-get install -y -qq {' '.join(ALL_PACKAGES)} [DEBIAN_FRONTEND=noninteractive]",
    ]


def test_as_a_user_with_sudo_apt_get_runs_through_sudo(tmp_path):
    repo, env, log = machine(tmp_path, uid=1000, sudo=True, installed=("chromium",), fc_list=True)
    result = run(repo, env, "system_packages.sh")
    assert result.returncode == 0, result.stderr
    assert logged(log) == [
        "sudo apt-get update -qq",
        "apt-get update -qq [DEBIAN_FRONTEND=]",
        "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei shellcheck",
        "apt-get install -y -qq fonts-wqy-microhei shellcheck [DEBIAN_FRONTEND=noninteractive]",
    ]


@pytest.mark.parametrize("uid, sudo", [(0, False), (1000, True)])
def test_nothing_is_installed_when_every_tool_is_there(tmp_path, uid, sudo):
    repo, env, log = machine(tmp_path, uid=uid, sudo=sudo, installed=tuple(ALL_PACKAGES))
    result = run(repo, env, "system_packages.sh")
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""
    assert logged(log) == []


def test_without_root_or_sudo_it_says_what_to_install_and_carries_on(tmp_path):
    repo, env, log = machine(tmp_path, uid=1000, sudo=False)
    result = run(repo, env, "system_packages.sh")
    assert result.returncode == 0
    assert logged(log) == []
    assert "apt-get install chromium fonts-wqy-microhei shellcheck" in result.stderr


def test_python3_venv_is_installed_only_when_there_is_no_venv_and_python_cannot_make_one(tmp_path):
    repo, env, log = machine(tmp_path, uid=0, installed=tuple(ALL_PACKAGES), venv=False, ensurepip=False)
    assert run(repo, env, "system_packages.sh").returncode == 0
    assert logged(log)[-1] == "apt-get install -y -qq python3-venv [DEBIAN_FRONTEND=noninteractive]"
    repo2, env2, log2 = machine(
        tmp_path / "b", uid=0, installed=tuple(ALL_PACKAGES), venv=True, ensurepip=False
    )
    assert run(repo2, env2, "system_packages.sh").returncode == 0 and logged(log2) == []


def test_a_failing_apt_get_is_a_warning_not_the_end_of_the_test_command(tmp_path):
    repo, env, log = machine(tmp_path, uid=0)
    stub(Path(env["PATH"]), "apt-get", 'echo "apt-get $*" >> "$LOG"; exit 100')
    result = run(repo, env, "system_packages.sh")
    assert result.returncode == 0 and "apt-get could not install" in result.stderr


def test_the_test_command_installs_sets_up_lints_the_scripts_then_python_then_tests(tmp_path):
    repo, env, log = machine(tmp_path, uid=1000, sudo=True, installed=("chromium", "fonts-wqy-microhei"))
    bin_ = Path(env["PATH"])
    # apt-get "installs" shellcheck by putting a logging stub on PATH
    stub(bin_, "shellcheck.deb", 'echo "shellcheck $*" >> "$LOG"')
    stub(
        bin_,
        "apt-get",
        f'echo "apt-get $*" >> "$LOG"; [ "$1" = update ] || cp {bin_}/shellcheck.deb {bin_}/shellcheck',
    )
    result = subprocess.run(
        [shutil.which("bash"), str(repo / ".ci" / "run")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    scripts = sorted(p.name for p in (repo / "scripts").glob("*.sh"))
    assert logged(log) == [
        "sudo apt-get update -qq",
        "apt-get update -qq",
        "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck",
        "apt-get install -y -qq shellcheck",
        "setup.sh",
        "shellcheck -S warning " + " ".join(f"scripts/{name}" for name in scripts) + " .ci/run",
        "ruff check .",
        "ruff format --check .",
        "python -m pytest -n auto",
    ]


def test_without_shellcheck_the_test_command_fails_in_ci_but_not_elsewhere(tmp_path):
    repo, env, log = machine(tmp_path, uid=1000, installed=("chromium", "fonts-wqy-microhei"))
    here = run(repo, env, "test.sh")
    assert here.returncode == 0 and "shellcheck is not installed" in here.stderr
    assert logged(log)[-1] == "python -m pytest -n auto"
    log.write_text("", encoding="utf-8")
    in_ci = run(repo, {**env, "CI": "1"}, "test.sh")
    assert in_ci.returncode == 1 and "error: shellcheck is not installed" in in_ci.stderr
    assert "python -m pytest -n auto" not in logged(log)


def test_the_shell_scripts_pass_shellcheck():
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        if os.environ.get("CI"):
            pytest.fail("shellcheck is not installed (scripts/system_packages.sh installs it)")
        pytest.skip("shellcheck is not installed")
    files = [str(p) for p in sorted((ROOT / "scripts").glob("*.sh"))] + [str(ROOT / ".ci" / "run")]
    result = subprocess.run(
        [shellcheck, "-S", "warning", *files], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout
