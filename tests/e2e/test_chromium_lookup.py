"""Where no Chromium is found the browser tests are skipped, except in CI, which must never skip them."""

import stat
from pathlib import Path

import pytest

from tests.e2e.browser import in_ci, require_chromium


def fake_chromium(folder: Path) -> Path:
    executable = folder / "chromium"
    executable.write_text("#!/bin/sh\n")
    executable.chmod(executable.stat().st_mode | stat.S_IXUSR)
    return executable


def test_without_chromium_the_browser_tests_are_skipped_with_the_reason(tmp_path):
    with pytest.raises(pytest.skip.Exception, match="no Chromium found.*install Debian's `chromium`"):
        require_chromium({"PATH": str(tmp_path)})


@pytest.mark.parametrize("ci", ["true", "1", "yes"])
def test_without_chromium_ci_fails_instead_of_skipping(tmp_path, ci):
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests, but no Chromium found"):
        require_chromium({"PATH": str(tmp_path), "CI": ci})


@pytest.mark.parametrize("ci", ["", "0", "false", "False"])
def test_an_empty_or_false_ci_variable_is_not_ci(ci):
    assert not in_ci({"CI": ci})


def test_chromium_on_the_path_is_used_in_ci_and_out_of_it(tmp_path):
    executable = fake_chromium(tmp_path)
    assert require_chromium({"PATH": str(tmp_path)}) == str(executable)
    assert require_chromium({"PATH": str(tmp_path), "CI": "true"}) == str(executable)


def test_cds_chromium_names_another_browser_and_a_wrong_name_is_not_found(tmp_path):
    executable = fake_chromium(tmp_path)
    assert require_chromium({"PATH": str(tmp_path / "empty"), "CDS_CHROMIUM": str(executable)}) == str(executable)
    with pytest.raises(pytest.skip.Exception):
        require_chromium({"PATH": str(tmp_path), "CDS_CHROMIUM": str(tmp_path / "missing")})
