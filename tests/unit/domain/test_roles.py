"""Masking of personal data by role."""

from __future__ import annotations

from recoverly.domain.roles import PersonalField, Role, mask, sees_in_clear


def test_readonly_sees_nothing_personal_and_admin_sees_all() -> None:
    assert not any(sees_in_clear(Role.READONLY, f) for f in PersonalField)
    assert all(sees_in_clear(Role.ADMIN, f) for f in PersonalField)
    assert not sees_in_clear(Role.AGENT, PersonalField.NATIONAL_ID)


def test_masks_keep_only_what_recognises_a_value() -> None:
    assert mask("+8613812345678", PersonalField.PHONE) == "************78"
    assert mask("li.wei@mail.example.cn", PersonalField.EMAIL) == "l***@mail.example.cn"
    assert mask("110101199003071234", PersonalField.NATIONAL_ID).endswith("34")
    assert "1 Main" not in (mask("1 Main St", PersonalField.ADDRESS) or "")


def test_names_are_masked_to_initials_for_readonly_only() -> None:
    assert mask("Li Wei", PersonalField.NAME) == "L*** W***"
    assert sees_in_clear(Role.AGENT, PersonalField.NAME)
    assert not sees_in_clear(Role.READONLY, PersonalField.NAME)
