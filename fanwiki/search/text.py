"""How names, texts and queries are folded so that spellings meet: case, width, spaces, Hangul forms.

Everything the index stores and every query goes through `fold()`: NFKC (which also turns the
compatibility jamo a keyboard types, "ㄱ", into the leading jamo "ᄀ" that syllables decompose to)
and case folding. A name's *key* is its folded letters and digits run together, so "Kim Ji-won",
"kim jiwon" and "KimJiWon" all give "kimjiwon", and "눈물의 여왕" and "눈물의여왕" meet as well.
"""

import re
import unicodedata

import jamo

# Leading consonants (choseong) as NFKC leaves them: U+1100 to U+1112 are the modern ones.
_LEADS = re.compile("[\u1100-\u1112]")
_SYLLABLE = re.compile("[\uac00-\ud7a3]")
_WORD = re.compile(r"\w+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]+")

# Grammatical particles (josa) a Korean reader types after a name: "김지원이", "눈물의 여왕을".
# Longest first, so "에서" goes before "서" would; a word keeps at least two syllables.
PARTICLES = sorted(
    {
        "이", "가", "은", "는", "을", "를", "의", "에", "와", "과", "도", "만", "로", "랑", "야", "아",
        "으로", "에서", "에게", "께서", "이랑", "이나", "처럼", "보다", "까지", "부터", "하고", "이다",
        "이야", "이에요", "예요", "입니다", "에서는", "에게서", "으로서", "으로써",
    },
    key=len,
    reverse=True,
)  # fmt: skip


def clean(text, limit):
    """User input made safe to handle: control and invisible format characters become spaces."""
    return " ".join(_CONTROL.sub(" ", text or "")[: limit * 4].split())[:limit]


def fold(text):
    return unicodedata.normalize("NFKC", text or "").casefold()


def words(folded):
    return _WORD.findall(folded)


def key(text):
    """A name folded into one word: its letters and digits, run together."""
    return "".join(words(fold(text)))


def choseong(text):
    """The initial consonants of the Hangul syllables in text: "김지원" → "ᄀᄌᄋ" (leading jamo).

    Leading jamo typed as such are kept, so a query mixing both ("김ㅈㅇ") gives the same form.
    """
    leads = []
    for char in fold(text):
        if _SYLLABLE.match(char):
            leads.append(jamo.hangul_to_jamo(char).__next__())
        elif _LEADS.match(char):
            leads.append(char)
    return "".join(leads)


def has_choseong(folded):
    """Whether the folded text holds bare initial consonants, as in "ㄱㅈㅇ": a choseong query."""
    return bool(_LEADS.search(folded))


def has_hangul(text):
    return bool(_SYLLABLE.search(text))


def without_particle(word):
    """The word without a trailing particle, or the word itself: "김지원이" → "김지원"."""
    if not has_hangul(word[-1:]):
        return word
    for particle in PARTICLES:
        if word.endswith(particle) and len(word) - len(particle) >= 2:
            return word[: -len(particle)]
    return word


def is_hangul_name(text):
    """Whether a name is written in Hangul syllables alone (spaces and punctuation aside): "눈물의 여왕"."""
    letters = key(text)
    return bool(letters) and all(_SYLLABLE.match(char) for char in letters)


def name_keys(names):
    """Every key a page's names give: each name's key, and the choseong of each Hangul name."""
    keys = []
    for name in names:
        for candidate in (key(name), choseong(name) if is_hangul_name(name) else ""):
            if candidate and candidate not in keys:
                keys.append(candidate)
    return keys
