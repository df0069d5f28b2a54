"""A reader's query, cleaned and folded once: its words, their particle-free forms and its keys.

Nothing of the reader's syntax is interpreted: quotes, `*`, `NEAR(`, `AND`/`OR`/`NOT`, `-x` and `x:y`
are punctuation or plain words here. Only letters and digits reach an engine, and every word is
required.
"""

from dataclasses import dataclass

from fanwiki.search.text import choseong, clean, fold, has_choseong, without_particle, words

QUERY_MAX_LENGTH = 100  # characters kept of what the reader typed
WORDS_MAX = 10
# A query of fewer letters than this finds nothing; one shorter than FULL_TEXT_MIN_LENGTH only finds
# pages named exactly so (an index lookup): no short query reads the whole index.
MIN_LENGTH = 2
# The trigram tokenizer matches only words of at least three characters.
FULL_TEXT_MIN_LENGTH = 3


@dataclass(frozen=True)
class Query:
    text: str  # what the reader typed, cleaned: echoed on the page
    words: tuple[str, ...] = ()  # folded words, in order
    stems: tuple[str, ...] = ()  # the same words without a trailing Korean particle
    keys: tuple[str, ...] = ()  # the whole query as name keys: "kimjiwon", "김지원", "ᄀᄌᄋ"

    @classmethod
    def parse(cls, raw):
        text = clean(raw if isinstance(raw, str) else "", QUERY_MAX_LENGTH)
        folded = fold(text)
        found = words(folded)[:WORDS_MAX]
        stems = tuple(without_particle(word) for word in found)
        keys = []
        # Run together: as typed, without a particle after the last word ("눈물의 여왕을" → "눈물의여왕"),
        # without particles after any, and as initial consonants when the query has bare ones.
        candidates = [
            "".join(found),
            "".join([*found[:-1], *stems[-1:]]),
            "".join(stems),
            choseong(folded) if has_choseong(folded) else "",
        ]
        for candidate in candidates:
            if candidate and candidate not in keys:
                keys.append(candidate)
        return cls(text, tuple(found), stems, tuple(keys))

    @property
    def length(self):
        return len(self.keys[0]) if self.keys else 0

    @property
    def is_empty(self):
        return not self.text

    @property
    def too_short(self):
        return self.length < MIN_LENGTH

    @property
    def exact_only(self):
        return self.length < FULL_TEXT_MIN_LENGTH

    def alternatives(self):
        """[(word, stem)]: each word with the form it takes without a particle (the same if none)."""
        return list(zip(self.words, self.stems, strict=True))

    def terms(self):
        """Every distinct form worth marking in a result: the words, their stems and the keys."""
        return sorted({*self.words, *self.stems, *self.keys}, key=len, reverse=True)
