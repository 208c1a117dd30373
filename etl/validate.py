"""One validator for every kind of file: finds the header, enforces etl/schema.py's declarations, lists problems.

All checks work on whole columns at once (pandas), so a file of 100,000 villages is checked in about a second.
A problem names the row as the user sees it, the column's header as written in the file, and a translation key;
errors refuse the file, warnings are shown with it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from etl import schema
from etl.read import Grid
from etl.schema import Column, Kind, fold_series, header_keys
from etl.values import on_distinct, parse_counts, parse_dates, parse_periods, phone_digits
from geo.names import FOLDED_UNIT_PREFIX, fold
from problems import Problem
from warehouse import registry as stored_registry
from warehouse import uploads as upload_queries
from warehouse.database import Warehouse
from warehouse.periods import quarter_deadline, quarter_of

HEADER_SEARCH_ROWS = 30
# How a cell of the file compares with the figure stored for it (counted for every file with figures).
NEW, RAISED, LOWERED, CLEARED, UNCHANGED = "new", "raised", "lowered", "cleared", "unchanged"
CHANGE_KINDS = (NEW, RAISED, LOWERED, CLEARED, UNCHANGED)


@dataclass
class Checked:
    """A validated file: its kind, its rows parsed (by column code, with `row`), the problems found.

    Files holding figures (monthly reports, the village registry) also say how each of their cells compares with
    the stored figure (`changes`, counted by CHANGE_KINDS, and `changed_cells`: raised, lowered or cleared);
    a monthly file keeps the stored figures of its reports for indicators it has no column for (`stored`), which the
    load keeps.
    """

    kind: str | None
    rows: pd.DataFrame
    errors: list[Problem]
    warnings: list[Problem]
    raw: pd.DataFrame | None = None
    changes: dict[str, int] | None = None
    changed_cells: pd.DataFrame | None = None
    stored: pd.DataFrame | None = None


class _Refused(Exception):
    def __init__(self, problems: list[Problem], kind: str | None = None) -> None:
        super().__init__(problems)
        self.problems = problems
        self.kind = kind


def validate(
    grid: Grid, db: Warehouse, *, kind: str | None = None,
    allowed_communes: set[str] | None = None, today: date, deadline_day: int, allow_lower: bool = False,
) -> Checked:
    """Check a read file against its kind's declaration (recognised from the header unless given).

    A file that lowers or clears stored figures is refused, naming the cells, unless `allow_lower`.
    """
    try:
        return _validate(grid, db, kind, allowed_communes, today, deadline_day, allow_lower)
    except _Refused as refused:
        return Checked(refused.kind, pd.DataFrame(), refused.problems, [])


def _validate(
    grid: Grid, db: Warehouse, kind_name: str | None, allowed_communes: set[str] | None,
    today: date, deadline_day: int, allow_lower: bool,
) -> Checked:
    header_position, kind = _find_header(grid, kind_name)
    header_row = int(grid.row_numbers[header_position])
    written = [str(value) for value in grid.cells.iloc[header_position]]
    positions, extras = _map_headers(written, kind)
    missing = [column for column in kind.required() if column.code not in positions]
    if missing:
        expected = ", ".join(column.label for column in kind.required())
        raise _Refused([
            Problem(header_row, column.label, "import.error.missing_column", {"column": column.label,
                                                                               "expected": expected})
            for column in missing
        ], kind.name)
    body = grid.cells.iloc[header_position + 1:]
    row_numbers = grid.row_numbers[header_position + 1:]
    formulas = _formula_cells(grid, header_position)
    keep = _data_rows(body, formulas).to_numpy()
    body, row_numbers, formulas = body[keep], row_numbers[keep], formulas[keep]
    if body.empty:
        raise _Refused([Problem(header_row, None, "import.error.no_rows")], kind.name)
    raw = pd.DataFrame({written[position]: body[position].to_numpy() for position in sorted(
        set(positions.values()) | set(extras))})
    raw.insert(0, "row", row_numbers)
    damaged = _damaged_rows(grid, header_position, keep, body)
    damaged_problems = _damaged_problems(grid, header_position, keep, body, damaged)
    blank = _blank_rows(kind, positions, body, formulas) & ~damaged
    skipped = [(int(row), body.iloc[position][positions[kind.commune_column]])
               for position, row in zip(np.flatnonzero(blank), row_numbers[blank], strict=True)]
    whole = ~damaged & ~blank
    body, row_numbers, formulas = body[whole], row_numbers[whole], formulas[whole]
    if body.empty:
        raise _Refused(damaged_problems or [Problem(header_row, None, "import.error.no_values")], kind.name)
    text = pd.DataFrame({code: body[position].reset_index(drop=True) for code, position in positions.items()})
    headers = {code: written[position] for code, position in positions.items()}
    formula_cells = {code: pd.Series(formulas[:, position]) for code, position in positions.items()
                     if formulas[:, position].any()}
    checker = _Checker(kind, text, headers, np.asarray(row_numbers), db, today, deadline_day, formula_cells)
    checker.errors += damaged_problems
    checker.warnings += [Problem(header_row, written[position], "import.warning.extra_column",
                                 {"column": written[position]}) for position in extras]
    if skipped:
        checker.warnings.append(Problem(None, None, "import.warning.skipped_rows",
                                        {"count": len(skipped), "skipped": skipped}))
    checker.run(allowed_communes, allow_lower)
    return Checked(kind.name, checker.parsed, _in_row_order(checker.errors), _in_row_order(checker.warnings), raw,
                   checker.changes, checker.changed_cells, checker.stored)


def _in_row_order(problems: list[Problem]) -> list[Problem]:
    """Problems about the whole file first, then by row."""
    return sorted(problems, key=lambda problem: problem.row or 0)


def _find_header(grid: Grid, kind_name: str | None) -> tuple[int, Kind]:
    """The first row naming the most declared columns, and the kind whose required columns it names."""
    candidates = [schema.kinds()[kind_name]] if kind_name else list(schema.kinds().values())
    known = set().union(*(column.headers() for kind in candidates for column in kind.columns))
    top = grid.cells.head(HEADER_SEARCH_ROWS)
    matches = [sum(bool(header_keys(cell) & known) for cell in row) for row in top.itertuples(index=False)]
    best = int(np.argmax(matches)) if matches else 0
    if not matches or matches[best] < 2:
        raise _Refused([Problem(None, None, "import.error.no_header", {"expected": _expected(candidates)})],
                       kind_name)
    folded = set().union(*(header_keys(cell) for cell in top.iloc[best]))

    def named(kind: Kind) -> tuple[int, int]:
        required = sum(bool(column.headers() & folded) for column in kind.required())
        return required - len(kind.required()), sum(bool(column.headers() & folded) for column in kind.columns)

    chosen = max(candidates, key=named)
    return best, chosen


def _expected(kinds: list[Kind]) -> list[tuple[str, str]]:
    """Each kind with its required columns (worded in the user's language by etl.load.message)."""
    return [(kind.name, ", ".join(column.label for column in kind.required())) for kind in kinds]


def _map_headers(written: list[str], kind: Kind) -> tuple[dict[str, int], list[int]]:
    """Column code → position of its header; positions of headers no column declares (ignored, with a warning)."""
    positions: dict[str, int] = {}
    extras = []
    for position, header in enumerate(written):
        if not header:
            continue
        folded = header_keys(header)
        # Exact codes and labels first, so that "Tên thôn" next to "Mã thôn" goes to the name column.
        column = next((column for column in kind.columns if column.code not in positions
                       and folded & (header_keys(column.code) | header_keys(column.label))), None)
        column = column or next((column for column in kind.columns if column.code not in positions
                                 and folded & column.headers()), None)
        if column is None:
            extras.append(position)
        else:
            positions[column.code] = position
    for column in kind.columns:
        if column.stands_in_for and column.stands_in_for not in positions and column.code in positions:
            positions[column.stands_in_for] = positions.pop(column.code)
    return positions, extras


def _formula_cells(grid: Grid, header_position: int) -> np.ndarray:
    """For each cell below the header: whether it is a formula saved without its value (it reads as empty)."""
    below = np.zeros((len(grid.cells) - header_position - 1, len(grid.cells.columns)), dtype=bool)
    first_row = grid.row_numbers[header_position + 1] if len(below) else 0
    for row, column in grid.uncalculated:
        # Workbook rows are numbered from 1 with no gap, so a row number gives the position.
        if first_row <= row < first_row + len(below) and column < below.shape[1]:
            below[row - first_row, column] = True
    return below


def _damaged_rows(grid: Grid, header_position: int, keep: np.ndarray, body: pd.DataFrame) -> np.ndarray:
    """Whether each row of a CSV file has more or fewer fields than its header (its values would be shifted)."""
    if grid.field_counts is None:
        return np.zeros(len(body), dtype=bool)
    return grid.field_counts[header_position + 1:][keep] != grid.field_counts[header_position]


def _damaged_problems(grid: Grid, header_position: int, keep: np.ndarray, body: pd.DataFrame,
                      damaged: np.ndarray) -> list[Problem]:
    """One error per damaged row: its fields, the header's, and the likely cause."""
    field_counts = grid.field_counts
    if field_counts is None or not damaged.any():
        return []
    expected = int(field_counts[header_position])
    problems = []
    for position in np.flatnonzero(damaged):
        found = int(field_counts[header_position + 1:][keep][position])
        cells = [str(cell) for cell in body.iloc[position]]
        # `1,234` split in two: a cell of one to three digits followed by one of exactly three.
        split_number = any(first.isdigit() and len(first) <= 3 and second.isdigit() and len(second) == 3
                           for first, second in itertools.pairwise(cells))
        cause = ("import.cause.missing_cells" if found < expected else
                 "import.cause.number_separator" if split_number else "import.cause.separator_in_text")
        problems.append(Problem(int(grid.row_numbers[header_position + 1:][keep][position]), None,
                                "import.error.damaged_row", {"found": found, "expected": expected, "cause": cause}))
    return problems


def _blank_rows(kind: Kind, positions: dict[str, int], body: pd.DataFrame, formulas: np.ndarray) -> np.ndarray:
    """Rows whose cells of the kind's `skipped_when_blank` columns are all blank (this village did not report)."""
    columns = [positions[code] for code in kind.skipped_when_blank if code in positions]
    if not columns:
        return np.zeros(len(body), dtype=bool)
    return ((body[columns].to_numpy(dtype=object) == "") & ~formulas[:, columns]).all(axis=1)


def _data_rows(body: pd.DataFrame, formulas: np.ndarray) -> pd.Series:
    """Rows holding data: not blank and not a totals row (`Tổng cộng`, `Cộng`)."""
    cells = body.to_numpy(dtype=object)
    filled = (cells != "") | formulas
    first = pd.Series(cells[np.arange(len(cells)), filled.argmax(axis=1)] if len(cells) else [], dtype=object)
    totals = on_distinct(first, lambda distinct: fold_series(distinct).isin(schema.TOTALS_LABELS).to_frame("totals"))
    totals = totals["totals"].to_numpy(dtype=bool)
    return pd.Series(filled.any(axis=1) & ~totals, index=body.index)


class _Checker:
    """Parses each declared column by its type and applies the kind's rules, collecting problems."""

    def __init__(self, kind: Kind, text: pd.DataFrame, headers: dict[str, str], row_numbers: np.ndarray,
                 db: Warehouse, today: date, deadline_day: int,
                 formulas: dict[str, pd.Series]) -> None:
        self.kind, self.text, self.headers, self.row_numbers = kind, text, headers, row_numbers
        self.db, self.today, self.deadline_day, self.formulas = db, today, deadline_day, formulas
        self.parsed = pd.DataFrame({"row": row_numbers})
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.changes: dict[str, int] | None = None
        self.changed_cells: pd.DataFrame | None = None
        self.stored: pd.DataFrame | None = None
        self.stored_reports = pd.DataFrame(columns=["village_code", "period", "reported_on", "note"])

    def problems(self, mask: pd.Series, code: str, key: str, values: pd.DataFrame | None = None,
                 warning: bool = False, **fixed: object) -> None:
        """Add one problem per row where `mask` holds; `values` gives per-row placeholders."""
        where = np.flatnonzero(mask.fillna(False).to_numpy(dtype=bool))
        if not len(where):
            return
        column = self.headers.get(code, self.kind.column(code).label if code else None)
        records = values.iloc[where].to_dict("records") if values is not None else [{}] * len(where)
        found = [Problem(int(self.row_numbers[position]), column, key, {**fixed, **record})
                 for position, record in zip(where, records, strict=True)]
        (self.warnings if warning else self.errors).extend(found)

    def run(self, allowed_communes: set[str] | None, allow_lower: bool) -> None:
        for column in self.kind.columns:
            if column.code in self.text:
                self.parse(column)
        self.check_households()
        self.check_duplicates()
        self.check_allowed(allowed_communes)
        if "history" in self.kind.checks and not self.errors:
            self.check_history()
        if self.kind.name == "monthly":
            self.compare_reports(allow_lower)
        elif self.kind.name == "villages":
            self.compare_registry(allow_lower)
            self.check_reported_households()
        elif self.kind.name == "roster":
            self.identify_members()
        elif self.kind.name == "training" and not any(error.key == "import.error.outside_communes"
                                                      for error in self.errors):
            self.check_session_communes()
        if "late" in self.kind.checks:
            self.check_report_date()

    def parse(self, column: Column) -> None:
        text = self.text[column.code]
        empty = text.eq("")
        formula = self.formulas.get(column.code)
        if formula is not None:
            self.problems(formula, column.code, "import.error.formula_not_calculated")
        if column.required and not column.blank_allowed:
            self.problems(empty if formula is None else empty & ~formula, column.code, "import.error.empty_cell")
        self.parsed[column.code] = PARSERS[column.value_type](self, column, text, empty)

    def parse_text(self, column: Column, text: pd.Series, empty: pd.Series) -> pd.Series:
        return text.where(~empty, None)

    def parse_count(self, column: Column, text: pd.Series, empty: pd.Series, least: int = 0) -> pd.Series:
        parsed = on_distinct(text, parse_counts)
        values, good, negative = parsed["value"], parsed["good"], parsed["negative"]
        self.problems(~empty & negative, column.code, "import.error.negative", text.to_frame("value"))
        self.problems(~empty & ~negative & ~good, column.code, "import.error.count", text.to_frame("value"))
        if least:
            self.problems(good & values.lt(least).fillna(False), column.code, "import.error.positive_count",
                          text.to_frame("value"))
        if column.maximum is not None:
            too_large = values.gt(column.maximum).fillna(False)
            self.problems(too_large, column.code, "import.error.too_large", text.to_frame("value"),
                          maximum=column.maximum)
            values = values.where(~too_large)
        return values

    def parse_positive_count(self, column: Column, text: pd.Series, empty: pd.Series) -> pd.Series:
        return self.parse_count(column, text, empty, least=1)

    def parse_period(self, column: Column, text: pd.Series, empty: pd.Series) -> pd.Series:
        parsed = on_distinct(text, parse_periods)
        # Unparsed cells compare as missing (NA): they are no month.
        shaped = parsed["month"].between(1, 12).fillna(False).astype(bool)
        self.problems(~empty & ~shaped, column.code, "import.error.period", text.to_frame("value"))
        in_range = parsed["year"].ge(schema.FIRST_YEAR).fillna(False).astype(bool)
        self.problems(shaped & ~in_range, column.code, "import.error.period_range", text.to_frame("value"),
                      first=schema.FIRST_YEAR, last=self.today.year)
        current = self.today.strftime("%Y-%m")
        future = shaped & in_range & parsed["period"].gt(current).fillna(False).astype(bool)
        self.problems(future, column.code, "import.error.period_future", text.to_frame("value"),
                      current_period=current)
        return parsed["period"].where(shaped & in_range & ~future, None)

    def parse_date(self, column: Column, text: pd.Series, empty: pd.Series) -> pd.Series:
        days = on_distinct(text, parse_dates)["day"]
        self.problems(~empty & days.isna(), column.code, "import.error.date", text.to_frame("value"))
        return days

    def parse_choice(self, column: Column, text: pd.Series, empty: pd.Series, known: dict[str, str],
                     choices: str) -> pd.Series:
        codes = on_distinct(text, lambda distinct: fold_series(distinct).map(known).to_frame("code"))["code"]
        self.problems(~empty & codes.isna(), column.code, "import.error.choice", text.to_frame("value"),
                      choices=choices)  # a translation key, worded by etl.load.message
        return codes

    def parse_role(self, column: Column, text: pd.Series, empty: pd.Series) -> pd.Series:
        return self.parse_choice(column, text, empty, schema.known_roles(), "import.choices.roles")

    def parse_affiliation(self, column: Column, text: pd.Series, empty: pd.Series) -> pd.Series:
        return self.parse_choice(column, text, empty, schema.known_affiliations(), "import.choices.affiliations")

    def parse_flag(self, column: Column, text: pd.Series, empty: pd.Series) -> pd.Series:
        folded = on_distinct(text, lambda distinct: fold_series(distinct).to_frame("folded"))["folded"]
        yes, no = folded.isin(schema.YES_NAMES), folded.isin(schema.NO_NAMES)
        self.problems(~yes & ~no, column.code, "import.error.flag", text.to_frame("value"))
        return yes

    def parse_commune(self, column: Column, text: pd.Series, empty: pd.Series) -> pd.Series:
        known = set(stored_registry.communes(self.db)["code"])
        new = ~empty & ~text.isin(known)
        for commune in sorted(text[new].unique()):
            self.warnings.append(Problem(None, self.headers[column.code], "import.warning.new_commune",
                                         {"commune": commune}))
        return text.where(~empty, None)

    def parse_member(self, column: Column, text: pd.Series, empty: pd.Series) -> pd.Series:
        members = upload_queries.members_with_commune(self.db, sorted(text[~empty].unique()))
        communes = text.map(dict(zip(members["code"], members["commune_code"], strict=True)))
        self.problems(~empty & communes.isna(), column.code, "import.error.unknown_member", text.to_frame("value"))
        self.parsed["commune_code"] = communes
        return text.where(~empty, None)

    def parse_village(self, column: Column, text: pd.Series, empty: pd.Series) -> pd.Series:
        villages = stored_registry.villages(self.db)
        # Looked up as a whole column: the country has 93,000 villages, a national file as many rows.
        by_code = pd.Series(villages["code"].to_numpy(), index=villages["code"].str.lower().to_numpy())
        codes = text.str.lower().map(by_code[~by_code.index.duplicated(keep="last")])
        unresolved = ~empty & codes.isna()
        if unresolved.any():
            codes = codes.fillna(self._villages_by_name(text, codes, unresolved, villages, column))
        by_village = villages.set_index("code")
        known = codes.notna()
        self.parsed["commune_code"] = codes.map(by_village["commune_code"]).where(known, None)
        self.parsed["households"] = codes.map(by_village["households"]).where(known, None)
        self.parsed["village_name"] = codes.map(by_village["name"]).where(known, None)
        return codes.where(known, None)

    def _villages_by_name(self, text: pd.Series, codes: pd.Series, unresolved: pd.Series, villages: pd.DataFrame,
                          column: Column) -> pd.Series:
        """Codes of villages given by name (without diacritics and case); unknown names get a suggestion."""
        # Names repeat across communes: look among the communes the file's coded villages belong to, if any.
        context = set(villages.set_index("code").loc[codes.dropna().unique(), "commune_code"])
        pool = villages[villages["commune_code"].isin(context)] if context else villages
        folded_names = fold_series(pool["name"])
        keys = pd.concat([
            pd.DataFrame({"key": folded_names, "code": pool["code"], "name": pool["name"]}),
            pd.DataFrame({"key": folded_names.str.replace(FOLDED_UNIT_PREFIX, "", regex=True), "code": pool["code"],
                          "name": pool["name"]}),
        ]).drop_duplicates(["key", "code"])
        matches = keys.groupby("key")["code"].agg(list)
        found = pd.Series(None, index=text.index, dtype=object)
        for value in text[unresolved].unique():
            rows = unresolved & text.eq(value)
            folded = fold(value)
            candidates = matches.get(folded) or matches.get(re.sub(FOLDED_UNIT_PREFIX, "", folded)) or []
            if len(candidates) == 1:
                found[rows] = candidates[0]
            elif len(candidates) > 1:
                self.problems(rows, column.code, "import.error.ambiguous_village", value=value)
            else:
                best = process.extractOne(folded, keys["key"].tolist(), scorer=fuzz.WRatio, score_cutoff=80)
                if best is None:
                    self.problems(rows, column.code, "import.error.unknown_village", value=value)
                else:
                    suggestion = keys["name"].iloc[best[2]]
                    self.problems(rows, column.code, "import.error.unknown_village_suggest", value=value,
                                  suggestion=suggestion)
        return found

    def check_households(self) -> None:
        if "households" not in self.parsed:
            return
        households = self.parsed["households"].astype("Int64")
        for column in self.kind.columns:
            if column.household_indicator and column.code in self.parsed:
                values = self.parsed[column.code]
                above = (values > households).fillna(False).astype(bool)
                detail = pd.DataFrame({"amount": values.astype(str), "households": households.astype(str)})
                self.problems(above, column.code, "import.error.above_households", detail)

    def check_duplicates(self) -> None:
        identity = [code for code in self.kind.identity if code in self.parsed]
        keys = self.parsed[identity]
        complete = keys.notna().all(axis=1)
        repeated = keys.duplicated(keep=False) & complete
        if not repeated.any():
            return
        first_rows = self.parsed[repeated].groupby(identity)["row"].transform("min")
        detail = pd.DataFrame({"first": first_rows}).reindex(self.parsed.index)
        later = repeated & self.parsed["row"].ne(detail["first"])
        self.problems(later, identity[0], "import.error.duplicate", detail.astype("Int64").astype(str))

    def check_allowed(self, allowed_communes: set[str] | None) -> None:
        moved = pd.Series(False, index=self.parsed.index)
        if self.kind.name == "villages":
            # A registry row may not move a village from one commune to another (its reports and team stay there).
            villages = stored_registry.villages(self.db).set_index("code")["commune_code"]
            current = self.parsed["ma_thon"].map(villages)
            moved = (current.notna() & self.parsed["ma_xa"].notna() & current.ne(self.parsed["ma_xa"])).fillna(False)
            self.problems(moved, "ma_thon", "import.error.village_of_other_commune", current.to_frame("commune"))
        if allowed_communes is None:
            return
        if self.kind.name == "villages":
            outside = current.notna() & ~current.isin(allowed_communes) & ~moved
            self.problems(outside, "ma_thon", "import.error.outside_communes", current.to_frame("commune"))
        column = self.kind.commune_column
        # Village and member columns leave their commune in `commune_code`; a registry names it itself.
        communes = self.parsed["ma_xa" if column == "ma_xa" else "commune_code"]
        outside = communes.notna() & ~communes.isin(allowed_communes)
        self.problems(outside, column, "import.error.outside_communes", communes.to_frame("commune"))

    def check_history(self) -> None:
        """Warnings against the village's own earlier months: a household count falling, an unusual value."""
        indicators = [column for column in self.kind.columns if column.indicator and column.code in self.parsed]
        figures = pd.concat([self.parsed[["ma_thon", "ky_bao_cao"]].set_axis(["village_code", "period"], axis=1),
                             self.parsed[[column.code for column in indicators]].astype("Int64")], axis=1)
        doubtful = upload_queries.figures_against_history(
            self.db, figures.rename_axis("position").reset_index(),
            [column.code for column in indicators if column.household_indicator],
            factor=schema.OUTLIER_FACTOR, least_months=schema.OUTLIER_MINIMUM_HISTORY)
        for column in indicators:
            rows = doubtful[doubtful["indicator_code"] == column.code]
            if rows.empty:
                continue
            # Words only for the rows warned about (a national file has 100,000 rows per indicator).
            positions = rows["position"].to_numpy()
            detail = pd.DataFrame({"value": self.parsed[column.code].iloc[positions].astype(str).to_numpy(),
                                   "previous": rows["previous_value"].astype("Int64").astype(str).to_numpy(),
                                   "previous_period": rows["previous_period"].to_numpy(),
                                   "median": rows["median_value"].round(0).astype("Int64").astype(str).to_numpy()},
                                  index=positions).reindex(range(len(self.parsed)))
            for flag, key in (("fell", "import.warning.decrease"), ("unusual", "import.warning.outlier")):
                mask = np.zeros(len(self.parsed), dtype=bool)
                mask[positions[rows[flag].to_numpy(dtype=bool)]] = True
                self.problems(pd.Series(mask), column.code, key, detail, warning=True)

    def compare_reports(self, allow_lower: bool) -> None:
        """Each indicator cell of the file against the figure stored for its village and month."""
        keys = self.parsed[["ma_thon", "ky_bao_cao"]].set_axis(["village_code", "period"], axis=1)
        indicators = [column.code for column in self.kind.columns if column.indicator and column.code in self.parsed]
        self.stored_reports = upload_queries.stored_reports(self.db, keys)
        self.stored = pd.DataFrame(columns=["village_code", "period", "indicator_code", "value"])
        stored = {}
        if len(self.stored_reports):  # else new reports only: every filled cell is new
            stored = keys.merge(upload_queries.stored_figures(self.db, keys, indicators),
                                on=["village_code", "period"], how="left")
            absent = [column.code for column in self.kind.columns if column.indicator and column.code not in indicators]
            if absent:
                self.stored = upload_queries.stored_report_values(self.db, keys, absent)
        self.compare({code: stored[code] if code in stored else None for code in indicators}, allow_lower,
                     village_codes=keys["village_code"], village_names=self.parsed["village_name"],
                     periods=keys["period"])

    def compare_registry(self, allow_lower: bool) -> None:
        """The households and population of each village against the registry's."""
        villages = stored_registry.villages(self.db).set_index("code")
        codes = self.parsed["ma_thon"]
        self.compare({code: codes.map(villages[column]) for code, column in (("so_ho", "households"),
                                                                             ("dan_so", "population"))
                      if code in self.parsed}, allow_lower, village_codes=codes,
                     village_names=self.parsed["ten_thon"], periods=None)

    def compare(self, stored: dict[str, pd.Series | None], allow_lower: bool, village_codes: pd.Series,
                village_names: pd.Series, periods: pd.Series | None) -> None:
        """Count the file's cells by how they change the stored figures; refuse lowering and clearing unless
        allowed, naming each cell."""
        counts = np.zeros(len(CHANGE_KINDS) + 1, dtype=np.int64)
        changed = []
        for code, old in stored.items():
            new = self.parsed[code].astype("Int64")
            old = pd.Series(pd.NA, index=new.index, dtype="Int64") if old is None else old.astype("Int64")
            has_new, has_old = new.notna().to_numpy(), old.notna().to_numpy(copy=True)
            # A cell refused as it is written (not a number, or empty where a value is required) neither sets nor
            # clears a figure.
            has_old &= has_new | (self.text[code].eq("").to_numpy() & (not self.kind.column(code).required))
            higher, lower = new.gt(old).fillna(False).to_numpy(), new.lt(old).fillna(False).to_numpy()
            # Positions in CHANGE_KINDS; the last (len) is "no figure on either side".
            change = np.select([has_new & ~has_old, higher, lower, ~has_new & has_old, has_new & has_old],
                               range(len(CHANGE_KINDS)), default=len(CHANGE_KINDS))
            if code in self.formulas:  # a formula without its value is refused as such, not compared
                change[self.formulas[code].to_numpy()] = len(CHANGE_KINDS)
            counts += np.bincount(change, minlength=len(counts))
            where = np.isin(change, [CHANGE_KINDS.index(kind) for kind in (RAISED, LOWERED, CLEARED)])
            if where.any():
                changed.append(pd.DataFrame({
                    "row": self.row_numbers[where], "column": self.headers[code],
                    "village_code": village_codes.to_numpy()[where], "village_name": village_names.to_numpy()[where],
                    "period": periods.to_numpy()[where] if periods is not None else None, "indicator_code": code,
                    "old": old.to_numpy()[where], "new": new.to_numpy()[where],
                    "change": np.asarray(CHANGE_KINDS, dtype=object)[change[where]]}))
            refused = [(key, change == CHANGE_KINDS.index(kind)) for kind, key in (
                (LOWERED, "import.error.lowers_stored"), (CLEARED, "import.error.clears_stored"))]
            if not allow_lower and any(mask.any() for _, mask in refused):
                detail = pd.DataFrame({"old": old.astype(str), "new": new.astype(str)})
                for key, mask in refused:
                    self.problems(pd.Series(mask), code, key, detail)
        self.changes = {kind: int(count) for kind, count in zip(CHANGE_KINDS, counts, strict=False)}
        columns = ["row", "column", "village_code", "village_name", "period", "indicator_code", "old", "new",
                   "change"]
        self.changed_cells = (pd.concat(changed, ignore_index=True).sort_values(["row"], kind="stable",
                                                                                ignore_index=True)
                              if changed else pd.DataFrame(columns=columns))

    def check_reported_households(self) -> None:
        """A registry may not give a village fewer households than a household figure it already reported."""
        households = self.parsed[["ma_thon", "so_ho"]].set_axis(["village_code", "households"], axis=1)
        above = upload_queries.household_figures_above(self.db, households.dropna())
        if above.empty:
            return
        figures = {village: list(zip(rows["period"], rows["value"].astype(int), strict=True))
                   for village, rows in above.groupby("village_code")}
        detail = pd.DataFrame({"households": self.parsed["so_ho"].astype("Int64").astype(str),
                               "figures": self.parsed["ma_thon"].map(figures)})
        self.problems(detail["figures"].notna(), "so_ho", "import.error.households_below_reports", detail)

    def identify_members(self) -> None:
        """Each roster row's member (`member_code`): the stored member its code names; else the member of its
        village's team with the same name (diacritics and case aside), told apart by phone where several share it;
        None for a newcomer. A row that could be either of two people is refused, naming the rows and members."""
        villages = self.parsed["ma_thon"]
        stored = upload_queries.members_of_villages(self.db, sorted(villages.dropna().unique()))
        member = pd.Series(None, index=self.parsed.index, dtype=object)
        if "ma_thanh_vien" in self.parsed:
            codes = self.parsed["ma_thanh_vien"]
            given = codes.notna()
            belongs = codes.map(dict(zip(stored["code"], stored["village_code"], strict=True))).eq(villages)
            belongs = belongs.fillna(False).astype(bool)
            self.problems(given & ~belongs, "ma_thanh_vien", "import.error.member_not_in_village",
                          pd.DataFrame({"value": codes, "village": self.text["ma_thon"]}))
            repeated = given & codes.duplicated(keep="first")
            self.problems(repeated, "ma_thanh_vien", "import.error.member_code_repeated", codes.to_frame("value"))
            member[given & belongs & ~repeated] = codes[given & belongs & ~repeated]
        stored = stored[~stored["code"].isin(set(member.dropna()))].assign(
            name=fold_series(stored["full_name"]), phone=phone_digits(stored["phone"]))
        pool = {key: list(zip(rows["code"], rows["phone"], strict=True))
                for key, rows in stored.groupby(["village_code", "name"], sort=False)}
        unknown = member.isna() & villages.notna() & self.parsed["ho_ten"].notna()
        phones = (phone_digits(self.parsed["so_dien_thoai"]) if "so_dien_thoai" in self.parsed
                  else pd.Series("", index=self.parsed.index))
        rows = pd.DataFrame({"village": villages, "name": fold_series(self.parsed["ho_ten"].fillna("")),
                             "phone": phones})[unknown]
        for key, group in rows.groupby(["village", "name"], sort=False):
            candidates = list(pool.get(key, []))
            left = []
            for index, phone in zip(group.index, group["phone"], strict=True):
                same = [candidate for candidate in candidates if phone and candidate[1] == phone]
                if len(same) == 1:
                    member[index] = same[0][0]
                    candidates.remove(same[0])
                else:
                    left.append((index, phone))
            if not left or not candidates:
                continue  # newcomers
            without_phone = [entry for entry in left if not entry[1]]
            # One row left for one member is them (with a new phone); else only a row without a phone can be.
            chosen = left if len(left) == 1 else without_phone
            if len(chosen) == 1 and len(candidates) == 1:
                member[chosen[0][0]] = candidates[0][0]
                continue
            ambiguous = [index for index, _ in left]
            detail = pd.DataFrame({"row_list": [self.parsed.loc[ambiguous, "row"].tolist()] * len(self.parsed),
                                   "members": ", ".join(code for code, _ in candidates)}, index=self.parsed.index)
            self.problems(pd.Series(self.parsed.index.isin(ambiguous), index=self.parsed.index), "ho_ten",
                          "import.error.ambiguous_member", detail)
        self.parsed["member_code"] = member

    def check_session_communes(self) -> None:
        """A training session belongs to one commune: all its members are of that commune's teams."""
        communes = self.parsed["commune_code"]
        first = communes.groupby(self.parsed["ma_buoi"]).transform("first")
        other = communes.notna() & first.notna() & communes.ne(first)
        listed = communes.groupby(self.parsed["ma_buoi"]).agg(lambda found: ", ".join(sorted(found.dropna().unique())))
        self.problems(other.fillna(False), "ma_thanh_vien", "import.error.session_of_two_communes",
                      pd.DataFrame({"session": self.parsed["ma_buoi"],
                                    "communes": self.parsed["ma_buoi"].map(listed)}))

    def check_report_date(self) -> None:
        """A report date lies between its period's first day and today; a correction keeps its stored date and
        note unless the file gives others, and a new report without a date takes the upload's (saying so)."""
        today = pd.Timestamp(self.today)
        periods = self.parsed["ky_bao_cao"]
        dated = self.parsed["ngay_bao_cao"] if "ngay_bao_cao" in self.parsed else pd.Series(
            pd.NaT, index=self.parsed.index, dtype="datetime64[ns]")
        first_day = pd.to_datetime(periods + "-01", format="%Y-%m-%d")
        distinct = periods.dropna().unique()
        deadlines = {period: pd.Timestamp(quarter_deadline(quarter_of(period), self.deadline_day))
                     for period in distinct}
        deadline = pd.to_datetime(periods.map(deadlines))
        for mask, key, warning in (((dated < first_day), "import.error.report_date_before_period", False),
                                   ((dated > today), "import.error.report_date_future", False),
                                   (((dated > deadline) & (dated <= today)), "import.warning.late", True)):
            mask = mask.fillna(False)
            if mask.any():  # worded only where needed: formatting 100,000 dates costs
                detail = pd.DataFrame({"date": dated.dt.strftime("%d/%m/%Y"),
                                       "first": first_day.dt.strftime("%d/%m/%Y"), "today": today.strftime("%d/%m/%Y"),
                                       "deadline": deadline.dt.strftime("%d/%m/%Y")})
                self.problems(mask, "ngay_bao_cao", key, detail, warning=warning)
        stored = self.parsed[["ma_thon", "ky_bao_cao"]].merge(
            self.stored_reports, left_on=["ma_thon", "ky_bao_cao"], right_on=["village_code", "period"], how="left")
        stored_date = pd.to_datetime(stored["reported_on"]).set_axis(self.parsed.index)
        new_undated = dated.isna() & stored_date.isna()
        if new_undated.any():
            self.warnings.append(Problem(None, None, "import.warning.upload_date_used", {
                "date": today.strftime("%d/%m/%Y"), "count": int(new_undated.sum()),
                "row_list": self.parsed.loc[new_undated, "row"].tolist()}))
        self.parsed["ngay_bao_cao"] = dated.fillna(stored_date).fillna(today)
        note = self.parsed["ghi_chu"] if "ghi_chu" in self.parsed else pd.Series(None, index=self.parsed.index,
                                                                                   dtype=object)
        self.parsed["ghi_chu"] = note.astype(object).where(note.notna(), stored["note"].set_axis(self.parsed.index))


# The parser of each value type of etl/schema.py.
PARSERS: dict[str, Callable[[_Checker, Column, pd.Series, pd.Series], pd.Series]] = {
    schema.TEXT: _Checker.parse_text, schema.CODE: _Checker.parse_text, schema.COUNT: _Checker.parse_count,
    schema.POSITIVE_COUNT: _Checker.parse_positive_count, schema.PERIOD: _Checker.parse_period,
    schema.DATE: _Checker.parse_date, schema.ROLE: _Checker.parse_role, schema.AFFILIATION: _Checker.parse_affiliation,
    schema.FLAG: _Checker.parse_flag, schema.COMMUNE: _Checker.parse_commune, schema.MEMBER: _Checker.parse_member,
    schema.VILLAGE: _Checker.parse_village,
}
