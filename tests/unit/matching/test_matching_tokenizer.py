import jieba
import pytest

from talentpool.engines.matching import get_tokenizer
from talentpool.engines.matching.tokenizer import SKILLS_FILE, read_skills


@pytest.fixture(scope="module")
def tk():
    return get_tokenizer()


@pytest.mark.parametrize(
    "term",
    [
        "计算机科学与技术",
        "有限元分析",
        "临床试验",
        "plc编程",
        "财务分析",
        "机器学习",
        "集成电路设计",
        "软件工程",
    ],
)
def test_domain_terms_stay_one_token(tk, term):
    assert term in tk.tokens(f"我熟悉{term}相关工作")


def test_long_words_also_give_their_dictionary_parts(tk):
    tokens = tk.tokens("计算机科学与技术")
    assert {"计算机科学与技术", "计算机", "科学", "技术"} <= set(tokens)
    assert "算机" not in tokens  # too rare in jieba's dictionary to count as a word


def test_latin_is_lower_case_and_aliases_become_the_skill(tk):
    tokens = tk.tokens("Python，K8s 与 JS，node.js")
    assert tokens == ["python", "kubernetes", "javascript", "node.js"]
    assert "py" not in tk.tokens("python")  # an alias is never cut out of a longer word


def test_punctuation_digits_stopwords_and_single_characters_are_dropped(tk):
    tokens = tk.tokens("负责3年以上的工作，并且 熟悉 Excel！！ 100% 和 号")
    assert tokens == ["excel"]


def test_skills_found_in_text_include_multi_word_ones(tk):
    text = "熟悉 Spring Boot 与 k8s，做过临床试验"
    assert tk.skills_in(text, tk.tokens(text)) == ["spring", "kubernetes", "临床试验", "spring boot"]


def test_private_tokenizer_leaves_jiebas_global_dictionary_alone(tk):
    tk.tokens("有限元分析")
    jieba.initialize()
    assert "plc编程" not in jieba.dt.FREQ
    assert "plc编程" in tk._jieba.FREQ


def test_tokenizer_is_built_once_per_data_directory(tk):
    assert get_tokenizer() is tk


def test_skills_file_has_a_few_hundred_distinct_terms():
    skills = read_skills(SKILLS_FILE)
    assert len(skills.canonical) >= 300
    assert not set(skills.aliases) & skills.canonical
    assert skills.aliases["k8s"] == "kubernetes"
