"""`python -m etl demo`: create or recreate the demo commune, its city's registry and map, and the demo accounts."""

from __future__ import annotations

import argparse
from pathlib import Path

import i18n
from cli.boundaries import store_commune_layer
from cli.common import AddCommand
from cli.exit_codes import EXIT_OK
from etl import demo, registry
from geo import demo as demo_geography
from geo import shipped
from warehouse import accounts
from warehouse.database import Warehouse
from warehouse.write import accounts as account_writes
from warehouse.write import boundaries as boundary_writes
from warehouse.write import communes as commune_writes


def add_commands(command: AddCommand) -> None:
    """Declare `demo`."""
    demo_command = command("demo", _demo, "create or recreate the demo commune (Gia Lộc, invented data)")
    demo_command.add_argument("--if-missing", action="store_true", help="do nothing when the warehouse exists")
    demo_command.add_argument("--seed", type=int, default=demo.DEFAULT_SEED)


def _demo(arguments: argparse.Namespace) -> int:
    path = Path(arguments.db)
    if arguments.if_missing and path.exists():
        print(i18n.t("cli.demo.exists", arguments.lang, path=path))
        return EXIT_OK
    db = Warehouse.open(path)
    tables = demo.generate(seed=arguments.seed)
    commune_writes.replace_communes(db, tables)
    village_shapes = demo_geography.village_boundaries(tables["villages"]["code"].tolist(), seed=arguments.seed)
    boundary_writes.replace_village_boundaries(db, demo.COMMUNE_CODE, village_shapes, is_demo=True)
    print(i18n.t(
        "cli.demo.created", arguments.lang, commune=demo.COMMUNE_NAME, path=path,
        villages=len(tables["villages"]), members=len(tables["members"]), reports=len(tables["reports"]),
    ))
    print(i18n.t("maps.cli.demo_boundaries", arguments.lang, count=len(village_shapes)))
    _demo_city(db, arguments.lang)
    _demo_accounts(db, arguments.lang)
    return EXIT_OK


def _demo_city(db: Warehouse, lang: str) -> None:
    """Register the demo commune's city (its other communes hold no data) and store the shipped city boundaries."""
    registration = registry.register(db, [demo.PROVINCE_CODE], user="demo")
    province = registration.provinces["name"].iloc[0]
    if registration.refused:
        # A warehouse that already holds the city's communes under other names keeps them: the command shows why.
        print(i18n.t("cli.demo.city_not_registered", lang, province=province, code=demo.PROVINCE_CODE))
        return
    print(i18n.t("cli.demo.city_registered", lang, province=province, count=len(registration.communes),
                 added=registration.count(registry.ADDED)))
    layer = store_commune_layer(db, shipped.HAI_PHONG_COMMUNES)
    print(i18n.t("cli.demo.city_boundaries", lang, count=len(layer.boundaries), province=province))


def _demo_accounts(db: Warehouse, lang: str) -> None:
    """(Re)create the demo accounts, one per role, unless the warehouse also holds real communes."""
    if not accounts.every_commune_is_demo(db):
        print(i18n.t("auth.cli.demo_accounts_skipped", lang))
        return
    for username, role, communes in demo.DEMO_ACCOUNTS:
        account_writes.add_user(db, username, role, communes, demo.DEMO_PASSWORD, is_demo=True, replace=True)
    print(i18n.t("auth.cli.demo_accounts", lang, users=", ".join(username for username, _, _ in demo.DEMO_ACCOUNTS)))
