"""Name keys and text folding."""

from __future__ import annotations

import pytest

from gallery.text import clean_name, fold, name_key, strip_pinyin


@pytest.mark.parametrize(
    "name", ["楊 軍", "杨军", "杨 军", "楊軍", " 杨　军 ", "ＹＡＮＧ"[:0] + "杨军"]
)
def test_one_person_one_key(name: str) -> None:
    assert name_key(name) == "杨军"


def test_latin_names_fold_case_and_spaces() -> None:
    assert name_key("  Yang   Jun ") == name_key("yang jun") == "yang jun"
    assert name_key("ＹＡＮＧ Ｊｕｎ") == "yang jun"


def test_minority_names_keep_their_dot() -> None:
    assert name_key("才让•多杰") == name_key("才让·多杰") == "才让·多杰"


def test_strip_pinyin_garbling() -> None:
    assert strip_pinyin("黨建引領(lǐng)") == "黨建引領"
    assert strip_pinyin("檢驗(yàn)科") == "檢驗科"
    assert strip_pinyin("檢驗（yan）科") == "檢驗科"
    assert strip_pinyin("检验科(lab)") == "检验科(lab)"  # English, not pinyin
    assert strip_pinyin("培训(2024)") == "培训(2024)"


def test_fold() -> None:
    assert fold("黨建引領(lǐng) ＩＳＯ　１５１８９") == "党建引领 iso 15189"


def test_clean_name_keeps_characters_as_written() -> None:
    assert clean_name("楊 軍") == "楊軍"
    assert clean_name("  Li   Mangui ") == "Li Mangui"
    assert clean_name("楊(yáng)軍") == "楊軍"
