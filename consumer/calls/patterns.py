"""The rules of support-call enrichment as data: the word lists and phrases that mark a
commitment, an add-on offer and its answer, sentiment and negation, and the regular
expressions built from them (compiled once, at import).

Everything here matches *cleaned* text (`text.clean_line`): lower case, single spaces,
straight apostrophes. Edit the lists, not the code, to change what is recognised, and
bump `enrich.RULES_VERSION` when a change alters results.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# -- speakers ----------------------------------------------------------------------------

AGENT_LABELS = frozenset({"agent", "rep", "representative", "advisor", "support", "operator"})
CUSTOMER_LABELS = frozenset({"customer", "caller", "client", "user", "member"})
SPEAKER_LINE = re.compile(r"^\s*([a-z][a-z ]{0,20}?)\s*:\s*(.*)$")

# -- sentences and clauses ---------------------------------------------------------------

# A sentence ends at . ! ? unless the full stop sits between digits ("$1,299.00").
SENTENCE = re.compile(r"(?:[^.!?]|(?<=\d)\.(?=\d))+[.!?]*")
# Clauses split at commas and semicolons (not thousands separators) and at "but".
CLAUSE_BREAK = re.compile(r"(?<!\d),|,(?!\d)|;|\s-\s|\bbut\b")
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

# -- money -------------------------------------------------------------------------------

_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?"
# "$1,299.00", "$ 49", "us$20", "usd 20", "20 usd", "49 dollars", "49 bucks".
AMOUNT = re.compile(
    rf"(?:us\$|\$|\busd)\s?{_NUMBER}(?![\d%])"
    rf"|\b{_NUMBER}\s?(?:usd|dollars?|bucks)\b"
)

# -- commitments (conversion) ------------------------------------------------------------

# What a customer says to commit, by kind. Verbs count only in "intent position" (see
# INTENT_PREFIXES): "please book it" commits, "my order number" and "I ordered" do not.
COMMIT_VERBS: dict[str, tuple[str, ...]] = {
    "booking": (
        r"book",
        r"schedule",
        r"reserve",
        r"set up (?:the|an|a) (?:appointment|visit|call)",
        r"make (?:the|an) appointment",
        r"pencil (?:me|it|that) in",
        r"lock (?:it|that) in",
    ),
    "purchase": (
        r"buy",
        r"purchase",
        r"order",
        r"take (?:it|one|two|that|this|them)",
        r"place (?:the|an|my) order",
        r"proceed with (?:the|my|this) (?:purchase|order)",
        r"complete (?:the|my) (?:purchase|order)",
        r"check out",
        r"ring (?:it|that) up",
    ),
    "signup": (
        r"sign (?:me |us )?up",
        r"enroll?",
        r"subscribe",
        r"register",
        r"join",
        r"count (?:me|us) in",
        r"put (?:me|us) down for",
    ),
}
# What may precede a commitment verb: the start of the clause (an imperative, after an
# optional "yes" / "okay" / "please"), a first-person intention or a request.
INTERJECTIONS = (
    "yes", "yeah", "yep", "sure", "ok", "okay", "alright", "right", "great", "perfect",
    "fine", "then", "so", "please", "absolutely", "definitely", "good", "excellent",
)  # fmt: skip
INTENT_PREFIXES = (
    "i'll", "i will", "we'll", "we will", "let's", "let us", "i'd like to", "i would like to",
    "we'd like to", "i want to", "we want to", "i wanna", "i'm ready to", "i am ready to",
    "i've decided to", "i have decided to", "go ahead and", "you can", "can you",
    "could you", "please", "just", "i'll go ahead and", "let's go ahead and",
)  # fmt: skip
# Words that undo or defer a commitment anywhere in its clause.
NEGATIONS = frozenset(
    {
        "not", "no", "never", "don't", "dont", "doesn't", "didn't", "won't", "wont",
        "can't", "cant", "cannot", "wouldn't", "shouldn't", "isn't", "wasn't", "aren't",
        "weren't", "haven't", "hasn't", "hardly", "without", "nothing", "neither", "nor",
    }
)  # fmt: skip
HEDGES = re.compile(
    r"\b(?:maybe|might|perhaps|probably|think about|not sure|unsure|consider|hold off"
    r"|talk to|check with|ask my|if)\b"
)
COMMIT_WINDOW_WORDS = 5  # how far before a commitment a negation still applies

# -- add-on offers (upsell) --------------------------------------------------------------

# An agent sentence that offers something on top of the sale.
ADDON_OFFER = re.compile(
    r"\b(?:add|adding|include|including|extra|additional|also offer|also have|upgrade"
    r"|add-on|addon|on top|throw in|bundle)\b"
)
# Where the offered product is named: after the offering verb, up to the price or the end.
ADDON_PRODUCT = re.compile(
    r"\b(?:add|include|offer|upgrade you to|throw in|get you)\s+(?P<product>.+?)"
    r"(?=\s+(?:for|at|to your|to the|on top|as well|too)\b|\s*[?.!,]|$)"
)
PRONOUNS = frozenset({"it", "that", "this", "them", "those", "one", "something", "you"})
ARTICLES = re.compile(r"^(?:the|a|an|your|our)\s+")
# How a customer answers an offer. Idioms are removed first: "why not" accepts, "no
# problem" is no refusal and "no thanks" is no thanks (and no sentiment either).
ANSWER_IDIOMS = re.compile(r"\b(?:why not|no problem|not a problem|no worries)\b")
ACCEPT_ANSWER = re.compile(
    r"^(?:yes|yeah|yep|yup|sure|ok|okay|alright|absolutely|definitely|of course|deal"
    r"|sounds good|that's fine|fine|go ahead|please do|do it|add it|include it|why not)\b"
    r"|\b(?:go ahead|add it|add that|include it|include that|let's add|let's do it|i'll take"
    r"|i'll add|throw it in|sign me up|why not|sounds good)\b"
)
DECLINE_ANSWER = re.compile(
    r"\b(?:no|nope|nah|not|don't|do not|pass|skip|decline|without|rather not|won't"
    r"|i'll think|maybe later|not now)\b"
)

# -- sentiment ---------------------------------------------------------------------------

POSITIVE_WORDS = frozenset(
    {
        "thank", "thanks", "thankful", "grateful", "helpful", "excellent", "great", "good",
        "satisfied", "happy", "glad", "pleased", "appreciate", "appreciated", "recommend",
        "solved", "resolved", "perfect", "wonderful", "awesome", "amazing", "fantastic",
        "love", "friendly", "impressed", "brilliant", "quick", "smooth", "superb",
    }
)  # fmt: skip
NEGATIVE_WORDS = frozenset(
    {
        "frustrated", "frustrating", "frustration", "disappointed", "disappointing",
        "disappointment", "complaint", "complaints", "complain", "terrible", "awful",
        "horrible", "angry", "upset", "unhappy", "useless", "worst", "bad", "poor",
        "annoyed", "annoying", "ridiculous", "unacceptable", "rude", "waste", "furious",
        "unhelpful", "dissatisfied", "unsatisfied", "disgusted", "fed",
    }
)  # fmt: skip
# Phrases with sentiment words but none of their sentiment, removed before scoring.
SENTIMENT_IDIOMS = re.compile(
    r"\b(?:no,? thanks?(?: you)?|thanks? for calling|good (?:morning|afternoon|evening|bye)"
    r"|goodbye|thank you for calling)\b"
)
# Negated comparisons that praise: "couldn't be happier", "can't ask for better".
PRAISING_NEGATIONS = re.compile(
    r"\b(?:couldn't|could not|can't|cannot)(?:\s+[a-z']+){0,4}?\s+"
    r"(?:better|happier|more pleased|more satisfied|more helpful)\b"
)
# A lone word opening a longer sentence ("perfect, let's book it") acknowledges what was
# said; it does not rate the service, so it carries no sentiment there.
ACKNOWLEDGEMENTS = frozenset({"perfect", "great", "good", "excellent", "fine", "wonderful"})
SENTIMENT_WINDOW_WORDS = 4  # how far before a sentiment word a negation flips it
FINAL_TURN_WEIGHT = 2  # how the customer ends the call weighs double


def alternation(phrases: Iterable[str]) -> str:
    """A regex group matching any of `phrases` (regex fragments), longest first."""
    return "(?:" + "|".join(sorted(phrases, key=len, reverse=True)) + ")"


_LEAD = rf"(?:{alternation(re.escape(w) for w in INTERJECTIONS)}\s+)*"
_INTENT = alternation(re.escape(p) for p in INTENT_PREFIXES)
# One pattern per kind: the verb at the start of a clause (after interjections) or after
# an intention, as a whole word.
COMMITMENTS: dict[str, re.Pattern[str]] = {
    kind: re.compile(
        rf"(?:^{_LEAD}|\b{_INTENT}\s+(?:just\s+|also\s+)?)(?P<verb>{alternation(verbs)})\b"
    )
    for kind, verbs in COMMIT_VERBS.items()
}
