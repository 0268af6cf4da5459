"""Text analysis for directory search: normalising, words, Snowball stems (PyStemmer, the same
algorithms as PostgreSQL's `finnish`/`swedish`/`english` configurations), stop words, compound
splitting against a vocabulary, and trigram similarity computed exactly as `pg_trgm` does."""

from __future__ import annotations

import bisect
import math
import re
import threading
import unicodedata
from collections.abc import Iterable

import Stemmer

MAX_QUERY_CHARS = 200
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ALGORITHMS = {"fi": "finnish", "sv": "swedish", "en": "english"}
_local = threading.local()

# Words that carry no need on their own ("ei oo", "mitä voin tehdä", "what can I do").
STOPWORDS = {
    "fi": set(
        """ei en et emme ette eivät oo ole olla olen olet on ollut oli ovat olisi ja tai sekä että
        kun jos niin mutta vaan vain myös ihan tosi koko jo nyt sitten siis no kyllä mä mää sä
        minä sinä hän me te he mun mulla mulle mua minun minulla minulle minua sinun sinulla meillä
        meidän se ne sen niitä sitä tämä tää tuo nää siihen siitä mitä mikä mitkä miten miksi
        missä mistä mihin milloin kuka ketä kenen jonkun jotain jotakin joku jokin joka jota jossa
        voi voin voiko voisi voisin voisko saa saako saisi saanko pitää pitäis pitäisi täytyy
        pitäisikö pystyn pysty osaa osaan osaisi tarvitsen tarvitsisin tarvis tarvii haluan
        haluaisin teen tehdä tekisi tekemään mennä menee menny tulee tuli tulla kanssa ilman
        paljon vähän liian aina joka päivä enää vielä yhtään mitään kaikki kaiken kuin kuten
        apua avun apu help
        mut mutku ku nii et etten enkä eikä oon oot ollu olis olisko oisko tullu tuu tulis
        mitää jotai jotenki tarviin tarvin tarttis haluisin pitäs pitäiskö saisko voiks voisinko
        teen tekee tehny tekis mulle sulle meil teil niil mun sun""".split()
    ),
    "sv": set(
        """jag du han hon vi ni de mig dig oss er min mitt mina din ditt och eller men att som
        är var vara har hade kan kunde ska skulle vill måste får inte ingen inget inga det den
        detta denna där här vad hur när vem vilken någon något några med utan för till från på
        i av om så nu mycket lite bara också hjälp behöver""".split()
    ),
    "en": set(
        """i me my mine you your we our they them he she it its is am are was were be been being
        have has had do does did can could would should will shall may might must not no nor
        don't can't cannot cant won't wont the a an and or but if so to of in on at for from
        with without about what how when where who which that this there here any some very
        too just get got need needs help please really""".split()
    ),
}


def normalise(text: str | None, *, limit: int | None = None) -> str:
    """NFKC, lower case, control characters (NUL...) removed; cut at `limit` characters."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _CONTROL.sub(" ", text)
    if limit is not None:
        text = text[:limit]
    return text.lower()


def words(text: str | None) -> list[str]:
    return _WORD.findall(normalise(text))


def stemmer(lang: str) -> Stemmer.Stemmer:
    """A stemmer per thread and language (PyStemmer objects are not thread-safe)."""
    cache = getattr(_local, "stemmers", None)
    if cache is None:
        cache = _local.stemmers = {}
    if lang not in cache:
        cache[lang] = Stemmer.Stemmer(_ALGORITHMS.get(lang, "finnish"))
    return cache[lang]


def stem(word: str, lang: str) -> str:
    return stemmer(lang).stemWord(word)


def stems(text: str | None, lang: str) -> list[str]:
    return stemmer(lang).stemWords(words(text))


def is_stopword(word: str, lang: str) -> bool:
    return word in STOPWORDS.get(lang, ())


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one word: padded with two spaces in front and one behind."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm `similarity()` for single words: shared trigrams / all trigrams."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


class Vocabulary:
    """The words of the indexed texts (and of the synonym file) of one language: used to split
    compounds into known parts and to correct misspellings."""

    def __init__(
        self,
        lang: str,
        entries: Iterable[str],
        *,
        documents: dict[str, int] | None = None,
        total: int = 0,
    ):
        self.lang = lang
        self.words = set(entries)
        # In how many services each stem occurs (the most of its words), of `total`.
        self.documents = documents or {}
        self.total = total
        self.stems = sorted({stem(w, lang) for w in self.words if len(w) >= 2})
        self._stem_set = set(self.stems)
        self._by_trigram: dict[str, set[str]] = {}
        for word in self.words:
            for gram in trigrams(word):
                self._by_trigram.setdefault(gram, set()).add(word)

    def knows(self, word: str) -> bool:
        """A known word, or an inflected form of one (its stem, or a stem one letter shorter,
        starts a known stem: Snowball gives 'neuvonta' → neuvon but 'neuvontaa' → neuvont)."""
        if word in self.words:
            return True
        s = stem(word, self.lang)
        if s in self._stem_set:
            return True
        return len(s) >= 5 and self.has_stem_prefix(s[:-1])

    def is_common(self, stem: str, *, share: float = 0.25) -> bool:
        """A stem in more than `share` of all services says little ('palvelu', 'tuki')."""
        return self.total > 20 and self.documents.get(stem, 0) > share * self.total

    def df(self, stem: str, *, prefix: bool = False) -> int:
        """In how many services a stem occurs (for a prefix: its commonest stem, a lower bound)."""
        if not prefix:
            return self.documents.get(stem, 0)
        i = bisect.bisect_left(self.stems, stem)
        count = 0
        while i < len(self.stems) and self.stems[i].startswith(stem):
            count = max(count, self.documents.get(self.stems[i], 0))
            i += 1
        return count

    def idf(self, stem: str, *, prefix: bool = False) -> float:
        """BM25's inverse document frequency of a stem (or of the commonest stem it starts)."""
        count = self.df(stem, prefix=prefix)
        total = max(self.total, count, 1)
        return math.log(1 + (total - count + 0.5) / (count + 0.5))

    def has_stem_prefix(self, prefix: str) -> bool:
        i = bisect.bisect_left(self.stems, prefix)
        return i < len(self.stems) and self.stems[i].startswith(prefix)

    def split(self, word: str, *, depth: int = 0) -> list[str]:
        """'velkaneuvontaa' → ['velka', 'neuvontaa']; [] when no split into known parts exists.
        The longest known head is preferred; a tail may split again (three-part compounds)."""
        if len(word) < 8 or depth > 2:
            return []
        for i in range(len(word) - 4, 3, -1):
            head, tail = word[:i], word[i:]
            if not self._known_head(head) or is_stopword(tail, self.lang):
                continue
            # a case ending ("koivula|ssa") is not a word: both parts need real stems
            if len(tail) >= 4 and len(stem(tail, self.lang)) >= 4 and self.knows(tail):
                return [head, tail]
            rest = self.split(tail, depth=depth + 1)
            if rest:
                return [head, *rest]
        return []

    def _known_head(self, head: str) -> bool:
        if len(head) < 4 or is_stopword(head, self.lang):
            return False
        if head in self.words:
            return True
        s = stem(head, self.lang)
        return len(s) >= 4 and s in self._stem_set

    def nearest(
        self, word: str, *, threshold: float = 0.45, limit: int = 2
    ) -> list[tuple[str, float]]:
        """Known words most like a misspelt one (pg_trgm similarity), best first."""
        candidates: set[str] = set()
        for gram in trigrams(word):
            candidates |= self._by_trigram.get(gram, set())
        scored = [(w, similarity(word, w)) for w in candidates if w != word]
        scored = [(w, s) for w, s in scored if s >= threshold]
        scored.sort(key=lambda ws: (-ws[1], ws[0]))
        return scored[:limit]
