import io
import subprocess
import sys

import pytest

from cli import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, main
from etl import demo
from tests.conftest import ROOT
from tests.signin import use_cheap_hashing
from warehouse import accounts
from warehouse.database import Warehouse


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch):
    use_cheap_hashing(monkeypatch)


def users_cli(monkeypatch, capsys, path, *arguments, stdin=""):
    """Run `python -m etl users ...` in this process; return exit status, standard output and error."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    try:
        status = main(["users", *arguments, "--db", str(path)])
    except SystemExit as exit_:  # argparse's usage errors
        status = exit_.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_users_add_list_passwd_remove_round_trip(tmp_path, monkeypatch, capsys):
    path = tmp_path / "real.duckdb"
    status, out, _ = users_cli(monkeypatch, capsys, path, "list")
    assert status == EXIT_OK and "users add --role admin" in out

    status, out, _ = users_cli(monkeypatch, capsys, path, "add", "--username", "Admin.Xa", "--role", "admin",
                               "--password-stdin", stdin="mat-khau-rat-dai\n")
    assert status == EXIT_OK and "admin.xa (admin; tất cả các xã)" in out
    status, out, _ = users_cli(monkeypatch, capsys, path, "add", "--username", "lan", "--role", "staff",
                               "--commune", "10999", "--commune", "12345", "--password-stdin", stdin="mat-khau-cu\n")
    assert status == EXIT_OK and "10999, 12345" in out
    assert "mat-khau-cu" not in out

    status, out, _ = users_cli(monkeypatch, capsys, path, "list")
    assert status == EXIT_OK
    rows = [line.split() for line in out.splitlines()[1:]]
    assert rows == [["admin.xa", "admin", "tất", "cả", "các", "xã"], ["lan", "staff", "10999,", "12345"]]

    status, out, _ = users_cli(monkeypatch, capsys, path, "passwd", "--username", "lan", "--password-stdin",
                               stdin="mat-khau-moi\n")
    assert status == EXIT_OK
    lan = accounts.account(Warehouse.open(path), "lan")
    assert accounts.password_matches(lan.password_hash, "mat-khau-moi")
    assert not accounts.password_matches(lan.password_hash, "mat-khau-cu")

    status, out, _ = users_cli(monkeypatch, capsys, path, "remove", "--username", "lan")
    assert status == EXIT_OK
    assert accounts.users(Warehouse.open(path))["username"].tolist() == ["admin.xa"]


@pytest.mark.parametrize(("arguments", "message"), [
    (["add", "--username", "x", "--role", "admin", "--password-stdin"], "không hợp lệ"),
    (["add", "--username", "lan", "--role", "staff", "--password-stdin"], "cần ít nhất một xã"),
    (["add", "--username", "lan", "--role", "viewer", "--commune", "GL", "--password-stdin"], "5 chữ số"),
    (["passwd", "--username", "nobody", "--password-stdin"], "Không có tài khoản nobody"),
    (["remove", "--username", "nobody"], "Không có tài khoản nobody"),
])
def test_bad_users_commands_are_refused_with_a_reason_and_change_nothing(
    warehouse_path, monkeypatch, capsys, arguments, message
):
    status, _, err = users_cli(monkeypatch, capsys, warehouse_path, *arguments, stdin="long-enough\n")
    assert status == EXIT_REFUSED
    assert message in err
    assert accounts.account_count(Warehouse.open(warehouse_path)) == 0


def test_a_short_password_is_refused(warehouse_path, monkeypatch, capsys):
    status, _, err = users_cli(monkeypatch, capsys, warehouse_path, "add", "--username", "lan", "--role", "viewer",
                               "--commune", "10999", "--password-stdin", stdin="short\n")
    assert status == EXIT_REFUSED and "ít nhất 8 ký tự" in err
    assert accounts.account_count(Warehouse.open(warehouse_path)) == 0


def test_an_existing_user_and_the_last_admin_are_kept(warehouse_path, monkeypatch, capsys):
    users_cli(monkeypatch, capsys, warehouse_path, "add", "--username", "boss", "--role", "admin",
              "--password-stdin", stdin="mat-khau-dau\n")
    status, _, err = users_cli(monkeypatch, capsys, warehouse_path, "add", "--username", "boss", "--role", "viewer",
                               "--commune", "10999", "--password-stdin", stdin="mat-khau-khac\n")
    assert status == EXIT_REFUSED and "đã tồn tại" in err
    status, _, err = users_cli(monkeypatch, capsys, warehouse_path, "remove", "--username", "boss")
    assert status == EXIT_REFUSED and "quản trị viên cuối cùng" in err
    assert accounts.account(Warehouse.open(warehouse_path), "boss").role == "admin"


def test_an_unknown_role_is_a_usage_error(warehouse_path, monkeypatch, capsys):
    status, _, err = users_cli(monkeypatch, capsys, warehouse_path, "add", "--username", "lan", "--role", "boss")
    assert status == EXIT_USAGE and "invalid choice" in err


def test_the_password_is_asked_twice_without_echo_and_a_mismatch_changes_nothing(warehouse_path, monkeypatch, capsys):
    typed = iter(["mat-khau-mot", "mat-khau-hai"])
    prompts = []
    monkeypatch.setattr("getpass.getpass", lambda prompt: prompts.append(prompt) or next(typed))
    status, out, err = users_cli(monkeypatch, capsys, warehouse_path, "add", "--username", "lan", "--role", "admin")
    assert status == EXIT_REFUSED and "không khớp" in err
    assert prompts == ["Mật khẩu: ", "Nhập lại mật khẩu: "]
    assert "mat-khau" not in out + err
    assert accounts.account_count(Warehouse.open(warehouse_path)) == 0


def test_the_demo_command_creates_one_account_per_role_that_signs_in_with_the_documented_password(tmp_path):
    path = tmp_path / "demo.duckdb"
    created = subprocess.run([sys.executable, "-m", "etl", "demo", "--db", str(path)], cwd=ROOT,
                             capture_output=True, text=True)
    assert created.returncode == 0, created.stderr
    assert "demo-viewer, demo-staff, demo-reviewer, demo-admin" in created.stdout
    listed = accounts.users(Warehouse.open(path))
    assert dict(zip(listed["username"], listed["role"], strict=True)) == {
        "demo-admin": "admin", "demo-reviewer": "reviewer", "demo-staff": "staff", "demo-viewer": "viewer"}
    assert listed["is_demo"].all()
    for username, _, communes in demo.DEMO_ACCOUNTS:
        found = accounts.account(Warehouse.open(path), username)
        assert found.password_hash.startswith("$argon2id$v=19$m=65536,t=3,")  # the library's recommended cost
        assert found.communes == (None if communes is None else set(communes))
    assert accounts.password_matches(found.password_hash, demo.DEMO_PASSWORD)
    assert demo.DEMO_PASSWORD in (ROOT / "README.md").read_text(encoding="utf-8")
