"""Chinese and English tokens for BM25: a private jieba tokenizer with a domain dictionary.

The dictionary is jieba's own plus the taxonomy names (majors, occupations, industries, split at list punctuation)
and the shipped skills (``skills.txt``), so "计算机科学与技术" or "有限元分析" stays one token. Search mode also emits
the dictionary words inside a long word (计算机科学与技术 → 计算机, 科学, 技术, …), which keeps partial mentions
matchable. Tokens are lower case; whitespace, punctuation, numbers and stopwords are dropped; a skill alias becomes its
canonical skill (``k8s`` → ``kubernetes``). ``get_tokenizer()`` builds one tokenizer per data directory and caches it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jieba

from .taxonomy import DEFAULT_DATA_DIR, load_taxonomies

SKILLS_FILE = Path(__file__).with_name("skills.txt")
SUBWORD_MIN_FREQ = 50
"""Words inside a longer word are emitted only if jieba's dictionary has seen them this often (or they are domain
words): 计算 and 技术 yes, 算机 (10) and 短视 (21) no."""
WORD_CACHE_SIZE = 500_000
"""Distinct jieba words whose tokens are memoised (a bound on the memo's memory, about 100 MB at most)."""
DOMAIN_WORD_FREQ = 2000
"""jieba frequency given to a domain word (unless jieba's own is higher): high enough to win over its parts."""

STOPWORDS = frozenset(
    """的 地 得 了 着 过 和 与 及 或 等 等等 在 是 有 为 对 于 以 并 并且 将 把 被 从 中 上 下 里 内 外 之 也 都 而 但 但是
    如 如果 则 就 又 很 更 较 最 能 会 要 需 可 可以 能够 一定 一些 一个 各种 各类 相关 以上 以下 以及 及其 其 其他 其它 该 本
    此 这 那 这些 那些 每 各 个 位 名 年 月 日 我 我们 你 你们 他 她 它 他们 本人 自己 具有 具备 拥有 进行 通过 对于 关于
    如下 包括 包含 主要 优先 者 等级 左右 若干 方面 工作 负责 熟悉 熟练 掌握 熟练掌握 了解 精通 良好 较强 优秀 能力 经验 要求
    a an the and or of to in on for with by at as is are be was were been this that these those from it its we you
    your our i my me he she they them their his her not no yes can will would should may must have has had do does
    did than then so such via per etc""".split()
)

_JUNK = re.compile(r"^[\W_]+$|^[\d.,%]+$")
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")


@dataclass(frozen=True, slots=True)
class SkillLexicon:
    """The shipped skills: canonical names, alias → canonical, and the multi-word ones (found by substring)."""

    canonical: frozenset[str]
    aliases: dict[str, str]
    phrases: tuple[str, ...]  # canonical skills containing a space: matched in the text, not in tokens


def read_skills(path: Path = SKILLS_FILE) -> SkillLexicon:
    canonical: list[str] = []
    aliases: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        names = [n.strip().lower() for n in line.split("|") if n.strip()]
        canonical.append(names[0])
        for alias in names[1:]:
            aliases[alias] = names[0]
    return SkillLexicon(frozenset(canonical), aliases, tuple(s for s in canonical if " " in s))


class Tokenizer:
    """Tokens of a cleaned text. Thread-safe for reading once built (jieba's cut does not mutate the dictionary)."""

    def __init__(self, terms: list[str], skills: SkillLexicon):
        logging.getLogger("jieba").setLevel(logging.WARNING)
        self.skills = skills
        self._aliases = skills.aliases
        self._skill_cache: dict[str, list[str]] = {}
        self._word_cache: dict[str, tuple[str, ...]] = {}
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        freq = self._jieba.FREQ
        words = [t.lower() for t in terms]
        words += [s for s in skills.canonical if " " not in s]
        words += [a for a in skills.aliases if " " not in a]
        for word in dict.fromkeys(words):
            if len(word) >= 2 and freq.get(word, 0) < DOMAIN_WORD_FREQ:
                self._jieba.add_word(word, DOMAIN_WORD_FREQ)
        self.vocabulary_size = len(words)

    def tokens(self, text: str) -> list[str]:
        """Tokens of ``text`` in order (duplicates kept, for term frequencies). ``text`` should be cleaned.

        Each jieba word becomes zero or more tokens (``_expand``), memoised per word."""
        out: list[str] = []
        cache = self._word_cache
        for word in self._jieba.cut(text.lower(), HMM=True):
            got = cache.get(word)
            if got is None:
                got = self._expand(word)
                if len(cache) < WORD_CACHE_SIZE:
                    cache[word] = got
            if got:
                out.extend(got)
        return out

    def _expand(self, word: str) -> tuple[str, ...]:
        """Single characters, stopwords, punctuation and numbers give nothing. Search mode as jieba's, but only
        inside all-Chinese words and only for words jieba has seen at least ``SUBWORD_MIN_FREQ`` times: a word
        longer than two characters also yields the dictionary words of two and three characters inside it (so
        计算机科学与技术 also gives 计算机, 科学, 技术, and aliases such as ``py`` never come out of ``python``).
        An alias becomes its skill."""
        w = word.strip()
        n = len(w)
        if n < 2 or w in STOPWORDS or _JUNK.match(w):
            return ()
        out = []
        if n > 2 and _HAN.match(w):
            freq = self._jieba.FREQ
            for size in (2, 3):
                for i in range(n - size + 1):
                    gram = w[i : i + size]
                    if gram != w and freq.get(gram, 0) >= SUBWORD_MIN_FREQ and gram not in STOPWORDS:
                        out.append(gram)
        out.append(self._aliases.get(w, w))
        return tuple(out)

    def skill_tokens(self, skill: str) -> list[str]:
        """Tokens of a normalised skill, memoised (skills repeat across documents)."""
        cached = self._skill_cache.get(skill)
        if cached is None:
            cached = self.tokens(skill)
            if len(self._skill_cache) < 200_000:
                self._skill_cache[skill] = cached
        return cached

    def skills_in(self, text: str, tokens: list[str]) -> list[str]:
        """Shipped skills mentioned in a text: tokens that are skills, then multi-word skills found verbatim."""
        found = dict.fromkeys(t for t in tokens if t in self.skills.canonical)
        if self.skills.phrases:
            low = text.lower()
            for phrase in self.skills.phrases:
                if phrase in low:
                    found[phrase] = None
        return list(found)


@lru_cache(maxsize=4)
def _tokenizer(data_dir: str) -> Tokenizer:
    return Tokenizer(load_taxonomies(data_dir).domain_terms(), read_skills())


def get_tokenizer(data_dir: str | Path | None = None) -> Tokenizer:
    """The tokenizer for the taxonomies in ``data_dir`` (default: the shipped data), built once per process."""
    return _tokenizer(str(Path(data_dir).resolve() if data_dir else DEFAULT_DATA_DIR))
