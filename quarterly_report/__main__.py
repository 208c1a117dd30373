"""Check a report template edited in Word, or make the templates again from scratch.

    python -m quarterly_report check-template FILE [--out PREVIEW.docx] [--lang en]
    python -m quarterly_report make-templates [FOLDER] [--replace]

`check-template` fills FILE with sample values (each placeholder shows its name) and says whether the program can use
it, or why not; `--out` writes that sample document, to look at in Word. Exit status: 0 usable, 1 refused.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import i18n
from quarterly_report import template
from quarterly_report.department import CITY_REPORT
from quarterly_report.make_template import Letterhead, commune_letterhead, department_letterhead, make_template
from quarterly_report.word import COMMUNE_REPORT

EXIT_OK, EXIT_REFUSED = 0, 1
# Each kind of report made from a template: the placeholders it fills, and its fixed texts as first made.
KINDS: dict[str, tuple[template.DocumentTemplate, Callable[[str], Letterhead]]] = {
    COMMUNE_REPORT.stem: (COMMUNE_REPORT, commune_letterhead),
    CITY_REPORT.stem: (CITY_REPORT, department_letterhead),
}


def _check(arguments: argparse.Namespace) -> int:
    kind, _ = KINDS[arguments.kind]
    source = Path(arguments.file)
    try:
        sample = template.check(kind, source, arguments.lang)
    except template.TemplateRefused as refusal:
        print(i18n.t(refusal.key, arguments.lang, **refusal.values), file=sys.stderr)
        return EXIT_REFUSED
    print(i18n.t("report.template.checked", arguments.lang, file=source))
    if arguments.out:
        Path(arguments.out).write_bytes(sample)
        print(i18n.t("report.template.preview", arguments.lang, out=arguments.out))
    return EXIT_OK


def _make(arguments: argparse.Namespace) -> int:
    folder = Path(arguments.folder)
    folder.mkdir(parents=True, exist_ok=True)
    for kind, letterhead in KINDS.values():
        for language in i18n.LANGUAGES:
            path = folder / kind.path(language).name
            if path.exists() and not arguments.replace:
                print(i18n.t("report.template.exists", arguments.lang, path=path))
                continue
            path.write_bytes(make_template(letterhead(language)))
            print(i18n.t("report.template.made", arguments.lang, path=path))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m quarterly_report", description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=i18n.LANGUAGES, default=i18n.DEFAULT_LANGUAGE,
                        help="language of the messages and of the sample body")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check-template", help="say whether the program can fill a template edited in Word")
    check.add_argument("file", help="the template (.docx)")
    check.add_argument("--kind", choices=sorted(KINDS), default=COMMUNE_REPORT.stem, help="the report it is for")
    check.add_argument("--out", help="write the template filled with sample values to this .docx file")
    check.set_defaults(run=_check)
    make = commands.add_parser("make-templates", help="write the templates as first made (loses edits made in Word)")
    make.add_argument("folder", nargs="?", default=str(template.TEMPLATES), help="where to write them")
    make.add_argument("--replace", action="store_true", help="overwrite templates that exist")
    make.set_defaults(run=_make)
    arguments = parser.parse_args(argv)
    return arguments.run(arguments)


if __name__ == "__main__":
    sys.exit(main())
