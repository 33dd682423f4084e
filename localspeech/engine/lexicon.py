"""Pronunciations: the base dictionary, offline G2P for new words, and spoken forms.

G2P comes from g2p2 (its English model ships in a PyPI wheel) and, where installed, espeak-ng;
both speak IPA, mapped here to the ARPAbet phones of the PocketSphinx acoustic model. The mapping
is ours because no library maps IPA to this model's phone set.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from pathlib import Path

import pocketsphinx

BASE_DICT = Path(pocketsphinx.get_model_path()) / "en-us" / "cmudict-en-us.dict"

_IPA_TO_ARPABET = {
    "tʃ": "CH",
    "dʒ": "JH",
    "aɪ": "AY",
    "aʊ": "AW",
    "ɔɪ": "OY",
    "oʊ": "OW",
    "əʊ": "OW",
    "eɪ": "EY",
    "ɜː": "ER",
    "ɝ": "ER",
    "ɚ": "ER",
    "ɪə": "IH R",
    "eə": "EH R",
    "ʊə": "UH R",
    "iː": "IY",
    "uː": "UW",
    "ɑː": "AA",
    "ɔː": "AO",
    "p": "P",
    "b": "B",
    "t": "T",
    "d": "D",
    "k": "K",
    "g": "G",
    "ɡ": "G",
    "f": "F",
    "v": "V",
    "θ": "TH",
    "ð": "DH",
    "s": "S",
    "z": "Z",
    "ʃ": "SH",
    "ʒ": "ZH",
    "h": "HH",
    "m": "M",
    "n": "N",
    "ŋ": "NG",
    "l": "L",
    "ɫ": "L",
    "ɹ": "R",
    "r": "R",
    "ɾ": "T",
    "w": "W",
    "j": "Y",
    "i": "IY",
    "ɪ": "IH",
    "ᵻ": "IH",
    "e": "EH",
    "ɛ": "EH",
    "æ": "AE",
    "a": "AA",
    "ɑ": "AA",
    "ɒ": "AA",
    "ɔ": "AO",
    "ʌ": "AH",
    "ə": "AH",
    "ɐ": "AH",
    "ʊ": "UH",
    "u": "UW",
    "o": "OW",
    "x": "K",
    "ɬ": "L",
    "y": "IY",
}
_IGNORED = set("ˈˌː.ˑ-ʔ \u0329\u0303\u032f")
_LONGEST = sorted(_IPA_TO_ARPABET, key=len, reverse=True)
_WORD = re.compile(r"^[a-z][a-z']*$")


def ipa_to_arpabet(ipa: str) -> str:
    phones: list[str] = []
    position = 0
    while position < len(ipa):
        if ipa[position] in _IGNORED:
            position += 1
            continue
        for symbol in _LONGEST:
            if ipa.startswith(symbol, position):
                phones.append(_IPA_TO_ARPABET[symbol])
                position += len(symbol)
                break
        else:
            position += 1  # a symbol with no English counterpart is dropped
    return " ".join(phones)


@functools.lru_cache(maxsize=1)
def base_dictionary() -> dict[str, str]:
    """The base model's dictionary: word -> first pronunciation."""
    words: dict[str, str] = {}
    with BASE_DICT.open(encoding="utf-8") as handle:
        for line in handle:
            word, _, phones = line.strip().partition(" ")
            word = re.sub(r"\(\d+\)$", "", word)
            words.setdefault(word, phones.strip())
    return words


@functools.cache
def frequent_words(count: int) -> frozenset[str]:
    """The base dictionary's `count` likeliest words by the base language model's unigram
    probability: a custom model's decoder keeps these and the domain's words, not all 126k,
    which makes its search several times smaller."""
    decoder = pocketsphinx.Decoder(loglevel="FATAL")
    model = decoder.get_lm()
    scored = sorted(((model.prob([word]), word) for word in base_dictionary()), reverse=True)
    return frozenset(word for _, word in scored[:count])


def _g2p2(word: str) -> str | None:
    try:
        import g2p2

        return ipa_to_arpabet(g2p2.phonemize(word, "en")) or None
    except Exception:  # no model for the language: espeak-ng may still answer
        return None


def _espeak_many(words: list[str]) -> dict[str, str]:
    espeak = shutil.which("espeak-ng")
    if not espeak or not words:
        return {}
    text = "\n".join(f"{w}." for w in words)
    result = subprocess.run(
        [espeak, "-q", "--ipa", "-v", "en-us"],
        input=text,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    if result.returncode != 0 or len(lines) != len(words):
        return {}
    return {w: ipa_to_arpabet(ipa) for w, ipa in zip(words, lines, strict=True)}


def pronounce(words: list[str]) -> dict[str, list[str]]:
    """Pronunciations for words missing from the base dictionary (one or two variants each)."""
    known = base_dictionary()
    missing = sorted({w for w in words if w not in known and _WORD.match(w)})
    espeak = _espeak_many(missing)
    found: dict[str, list[str]] = {}
    for word in missing:
        variants = [p for p in (_g2p2(word), espeak.get(word)) if p]
        unique = list(dict.fromkeys(variants))
        if unique:
            found[word] = unique
    return found


def spoken_form_phones(spoken: str, extra: dict[str, list[str]]) -> str | None:
    """Phones of a spoken form such as 'i triple e', from the dictionary and G2P."""
    known = base_dictionary()
    phones: list[str] = []
    for word in spoken.lower().split():
        if word in known:
            phones.append(known[word])
        elif word in extra:
            phones.append(extra[word][0])
        else:
            guessed = pronounce([word]).get(word)
            if not guessed:
                return None
            phones.append(guessed[0])
    return " ".join(phones)


# The acoustic model's phones (CMUdict's ARPAbet without stress).
MODEL_PHONES = frozenset(
    [
        "AA",
        "AE",
        "AH",
        "AO",
        "AW",
        "AY",
        "B",
        "CH",
        "D",
        "DH",
        "EH",
        "ER",
        "EY",
        "F",
        "G",
        "HH",
        "IH",
        "IY",
        "JH",
        "K",
        "L",
        "M",
        "N",
        "NG",
        "OW",
        "OY",
        "P",
        "R",
        "S",
        "SH",
        "T",
        "TH",
        "UH",
        "UW",
        "V",
        "W",
        "Y",
        "Z",
        "ZH",
    ]
)
# Phones written differently in the SAPI/UPS notation of "@ speech:phoneticlexicon" entries.
_SAPI_TO_ARPABET = {"AX": "AH", "H": "HH", "AXR": "ER", "IX": "IH"}


def lexicon_phones(phones: str) -> str | None:
    """A LanguageMarkdown lexicon entry's phones ("k ae t", stress digits and syllable marks
    allowed) as the model's phones; None when a phone is not one of them."""
    mapped = []
    for phone in re.sub(r"[0-9\-.]", " ", phones).upper().split():
        phone = _SAPI_TO_ARPABET.get(phone, phone)
        if phone not in MODEL_PHONES:
            return None
        mapped.append(phone)
    return " ".join(mapped) or None
