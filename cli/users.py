"""`python -m etl users add|passwd|remove|list`: the accounts that may sign in (passwords never shown)."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

import pandas as pd

import i18n
from cli.exit_codes import EXIT_OK, EXIT_REFUSED
from warehouse import accounts, queries
from warehouse.database import Warehouse
from warehouse.write import accounts as account_writes

AddAction = Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]


def add_actions(action: AddAction) -> None:
    """Declare the four actions through `action(name, run, help)`, which adds the common options."""
    add = action("add", _users_add, "add an account (the password is asked twice, never shown)")
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, choices=accounts.ROLES)
    add.add_argument("--commune", action="append", default=[], metavar="CODE",
                     help="a commune the account works for (repeatable; reviewers and admins may have none: all)")
    passwd = action("passwd", _users_passwd, "change an account's password")
    passwd.add_argument("--username", required=True)
    for sub in (add, passwd):
        sub.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    action("remove", _users_remove, "remove an account").add_argument("--username", required=True)
    action("list", _users_list, "list the accounts (never their passwords)").set_defaults(reads_only=True)


def _refuse(lang: str, key: str, **values: object) -> int:
    print(i18n.t(key, lang, **values), file=sys.stderr)
    return EXIT_REFUSED


def _new_password(arguments: argparse.Namespace) -> str | None:
    """The new password from stdin (for scripts) or typed twice without echo; None when it is refused."""
    lang = arguments.lang
    if arguments.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(i18n.t("auth.cli.password_prompt", lang))
        if getpass.getpass(i18n.t("auth.cli.password_again", lang)) != password:
            _refuse(lang, "auth.cli.password_mismatch")
            return None
    if len(password) < accounts.MIN_PASSWORD_LENGTH:
        _refuse(lang, "auth.cli.password_short", length=accounts.MIN_PASSWORD_LENGTH)
        return None
    return password


def _users_add(arguments: argparse.Namespace) -> int:
    lang = arguments.lang
    username = accounts.normalise_username(arguments.username)
    communes = sorted(set(arguments.commune))
    if not accounts.USERNAME.match(username):
        return _refuse(lang, "auth.cli.bad_username", user=arguments.username)
    for code in communes:
        if not accounts.COMMUNE_CODE.match(code):
            return _refuse(lang, "auth.cli.bad_commune", code=code)
    if arguments.role in accounts.SCOPED_ROLES and not communes:
        return _refuse(lang, "auth.cli.scope_required", role=arguments.role)
    db = Warehouse.open(arguments.db)
    if accounts.account(db, username) is not None:
        return _refuse(lang, "auth.cli.exists", user=username)
    password = _new_password(arguments)
    if password is None:
        return EXIT_REFUSED
    account_writes.add_user(db, username, arguments.role, communes or None, password)
    print(i18n.t("auth.cli.added", lang, user=username, role=arguments.role,
                 communes=", ".join(communes) or i18n.t("auth.cli.every_commune", lang)))
    unknown = sorted(set(communes) - set(queries.communes(db)["code"]))
    if unknown:
        print(i18n.t("auth.cli.commune_not_in_warehouse", lang, codes=", ".join(unknown)))
    return EXIT_OK


def _users_passwd(arguments: argparse.Namespace) -> int:
    lang, db = arguments.lang, Warehouse.open(arguments.db)
    username = accounts.normalise_username(arguments.username)
    if accounts.account(db, username) is None:
        return _refuse(lang, "auth.cli.unknown_user", user=username)
    password = _new_password(arguments)
    if password is None:
        return EXIT_REFUSED
    account_writes.set_password(db, username, password)
    print(i18n.t("auth.cli.password_changed", lang, user=username))
    return EXIT_OK


def _users_remove(arguments: argparse.Namespace) -> int:
    lang, db = arguments.lang, Warehouse.open(arguments.db)
    username = accounts.normalise_username(arguments.username)
    found = accounts.account(db, username)
    if found is None:
        return _refuse(lang, "auth.cli.unknown_user", user=username)
    if found.role == "admin" and accounts.admin_count(db) == 1:
        return _refuse(lang, "auth.cli.last_admin", user=username)
    account_writes.remove_user(db, username)
    print(i18n.t("auth.cli.removed", lang, user=username))
    return EXIT_OK


def _users_list(arguments: argparse.Namespace) -> int:
    lang = arguments.lang
    users = accounts.users(Warehouse.open(arguments.db))
    if users.empty:
        print(i18n.t("auth.cli.no_users", lang))
        return EXIT_OK
    every_commune = i18n.t("auth.cli.every_commune", lang)
    print(pd.DataFrame({
        i18n.t("auth.username", lang): users["username"],
        i18n.t("auth.users.column.role", lang): users["role"],
        i18n.t("auth.users.column.communes", lang): users["communes"].replace("", every_commune),
        i18n.t("auth.users.column.demo", lang): users["is_demo"].map({True: i18n.t("auth.yes", lang), False: ""}),
    }).to_string(index=False))
    return EXIT_OK
