
import pytest

from ui.personal_data import mask_phone


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("0912 345 645", "0912 *** *45"), ("0912345645", "0912 *** *45"), ("+84 912 345 645", "0912 *** *45"),
     ("12345", "*****"), (None, None)],
)
def test_phone_numbers_are_masked_to_their_first_four_and_last_two_digits(phone, masked):
    assert mask_phone(phone) == masked

