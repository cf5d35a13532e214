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

# Labels as exports write them (matched in lower case, before ":" or " - "). The one-letter
# ones are only read at the start of a line, or inline in a call whose lines open with one.
AGENT_LABELS = frozenset(
    {"agent", "rep", "representative", "advisor", "support", "operator", "agt", "csr", "a"}
)
CUSTOMER_LABELS = frozenset({"customer", "caller", "client", "user", "member", "cust", "c"})
# Words that open a spoken turn: where unpunctuated speech-to-text is cut into
# pseudo-sentences (see speakers.unlabelled_turns).
TURN_OPENERS = re.compile(
    r"(?<=\s)(?:yes|yeah|yep|yup|no|nah|nope|okay|ok|alright|sure|great|perfect|lovely"
    r"|brilliant|excellent|awesome|amazing|oh|ooh|hi|hiya|hello|thanks|thank you|cheers|done"
    r"|sorry|sorted|added|um|uh|honestly|would you|do you want|should i|shall i|we can"
    r"|we also|you can also|that works|sounds good|count me in|sign me up|go ahead"
    r"|please book|please sign|let's)\b"
)
# An unlabelled pseudo-sentence that continues an offer rather than answering it.
OFFER_QUESTION = re.compile(
    r"^(?:should i|shall i|want (?:it|one|that|me to)|would you|do you want|can i add)\b"
)

# -- sentences and clauses ---------------------------------------------------------------

# A sentence ends at . ! ? unless the full stop sits between digits ("$1,299.00").
SENTENCE = re.compile(r"(?:[^.!?]|(?<=\d)\.(?=\d))+[.!?]*")
# Clauses split at commas and semicolons (not thousands separators) and at "but".
CLAUSE_BREAK = re.compile(r"(?<!\d),|,(?!\d)|;|\s-\s|\bbut\b")
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

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
        r"put (?:me|us|him|her|them) down for",
        r"book (?:me|us|him|her|them) in",
    ),
    "purchase": (
        r"buy",
        r"purchase",
        r"order",
        r"take (?:it|one|two|that|this|them|the|both)",
        r"have (?:it|one|that|this|them)",
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
        r"switch (?:me |us )?(?:over )?to",
        r"start (?:the|a|my|our) [a-z -]{0,30}(?:plan|membership|subscription)",
        r"open (?:the|a|an) [a-z -]{0,30}account",
    ),
}
# Words before "ordered" / "booked" that make it a past event told, not a sale confirmed.
NARRATORS = frozenset(
    {"i", "we", "you", "they", "he", "she", "had", "was", "were", "already", "originally"}
)
# The agent confirming the sale is done, by kind ("you're booked", "ordered"): a commitment
# the customer made without the words above ("tuesday at 3:30 works. can you put him...").
AGENT_CONFIRMS: dict[str, re.Pattern[str]] = {
    "booking": re.compile(
        r"\b(?:booked|reserved|book you in|you're all booked|i'll reserve (?:it|that|those|them)"
        r"|that's confirmed for)\b"
    ),
    "purchase": re.compile(
        r"\b(?:ordered|purchased|i've placed the order|i'll place the order|i'll order it"
        r"|i've put the order through|i'll put (?:it|that) through|i'll ring (?:it|that) up)\b"
    ),
    "signup": re.compile(
        r"\b(?:signed (?:you )?up|subscribed|registered|enrolled|switched|signing you up)\b"
    ),
}
# What may precede a commitment verb: the start of the clause (an imperative, after an
# optional "yes" / "okay" / "please"), a first-person intention or a request.
INTERJECTIONS = (
    "yes", "yeah", "yep", "sure", "ok", "okay", "alright", "right", "great", "perfect",
    "fine", "then", "so", "please", "absolutely", "definitely", "good", "excellent",
    "that works", "sounds good", "go ahead and",
)  # fmt: skip
INTENT_PREFIXES = (
    "i'll", "i will", "we'll", "we will", "let's", "let us", "i'd like to", "i would like to",
    "we'd like to", "i want to", "we want to", "i wanna", "i'm ready to", "i am ready to",
    "i need to", "we need to",
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

# An agent sentence that offers something on top of the sale: naming an add-on, or
# asking whether the customer wants one.
ADDON_OFFER = re.compile(
    r"\b(?:add|adding|added|include|extra|additional|also|upgrade|upgrading"
    r"|add-on|addon|on top|throw in|bundle|would you like|do you want|do you need"
    r"|want (?:a|an|the|me to|to add)|while (?:it's|you're|he's|she's) (?:here|in)"
    r"|while we're (?:there|here|at it)|can be added|if you want (?:it|them)|more a month"
    r"|more per)\b"
)
# The agent has closed the main sale: a price stated after this, in the same turn, is for
# something more ("$549, ordered. assembly service is $45.").
SALE_CONFIRMED = re.compile(
    r"\b(?:ordered|booked|done|signed up|subscribed|registered|enrolled|reserved|purchased"
    r"|switched|sorted|you're all set|all set|i've placed the order|i'll place the order"
    r"|i've put the order through|i'll order it|i'll ring (?:it|that) up|i'll process it"
    r"|i've set (?:it|that) up|i'll set (?:it|that) up|book you in|you're registered"
    r"|i'll reserve (?:it|that|those|them)|that's confirmed)\b"
)
# Where the offered product is named: after the offering verb, up to the price or the end.
ADDON_PRODUCT = re.compile(
    r"\b(?:add|include|offer|upgrade you to|throw in|get you|also have|also do|also got"
    r"|would you like(?! to)|do you want(?! to)|do you need)\s+(?P<product>[^,.?!]{1,60}?)"
    r"(?=\s+(?:for|at|to your|to the|on top|as well|too|with it|added|is|it's)\b|\s*[?.!,]|$)"
)
PRONOUNS = frozenset({"it", "that", "this", "them", "those", "one", "something", "you"})
ARTICLES = re.compile(r"^(?:the|a|an|your|our)\s+")
# Words of an offer too common to show that an answer names it ("alright, go ad-free").
GENERIC_WORDS = frozenset(
    {
        "would", "like", "want", "need", "also", "have", "extra", "month", "year", "with",
        "that", "this", "your", "just", "more", "include", "including", "adding", "added",
        "could", "offer", "there", "they", "those", "these", "what", "while", "here",
        "upgrade", "bundle", "dollars", "only", "each", "every", "week", "today", "the",
        "and", "for", "you", "are", "can", "per", "its", "it's", "our", "one",
    }
)  # fmt: skip
# How a customer answers an offer. Idioms are removed first: "why not" accepts, "no
# problem" is no refusal and "no thanks" is no thanks (and no sentiment either).
ANSWER_IDIOMS = re.compile(r"\b(?:why not|no problem|not a problem|no worries)\b")
ACCEPT_ANSWER = re.compile(
    r"^(?:(?:oh|ooh|ha|um|well|honestly|ok|okay|alright|fine)[\s,]+)*(?:yes|yeah|yep|yup|sure|absolutely|definitely"
    r"|of course|deal|sounds good|go ahead|go on|go for it|please do|do it|add it"
    r"|include it|why not|you've talked me into it)\b"
    r"|\b(?:go ahead|go on|go for it|add it|add that|add the|add one|add a|add breakfast"
    r"|include it|include that|include the|include installation|let's add|let's do it"
    r"|i'll take|i'll add|throw it in|throw that in|sign me up|why not|sounds good"
    r"|do the|do that|that would be great|yes please|yes,|might as well|stick it on"
    r"|chuck (?:it|that) in|bundle it in|let's go for it)\b"
)
# A short request ending in "please" answers an offer with yes ("next-day please").
REQUEST_ANSWER = re.compile(r"^(?:[a-z'-]+\s+){0,3}please$")
# On their own these say yes; followed by something else they may only acknowledge
# ("okay, i'll keep an eye on it").
WEAK_YES = frozenset({"ok", "okay", "alright", "fine", "ta"})
DECLINE_ANSWER = re.compile(
    r"\b(?:no|nope|nah|not|don't|do not|pass|skip|decline|without|rather not|won't"
    r"|i'll think|maybe|not now|i'm good|i'm fine|i'm ok|i'm okay|i'm alright|leave it"
    r"|next time|give (?:it|that|the [a-z-]+) a miss|stick with|yeah,? no)\b"
)

# -- sentiment ---------------------------------------------------------------------------

# A bare "thanks" / "thank you" is courtesy, not praise (LABELLING.md): only the phrases
# of PRAISING_PHRASES count it.
POSITIVE_WORDS = frozenset(
    {
        "thankful", "grateful", "helpful", "excellent", "great", "good", "satisfied",
        "happy", "glad", "pleased", "appreciate", "appreciated", "recommend", "solved",
        "resolved", "perfect", "wonderful", "awesome", "amazing", "fantastic", "love",
        "friendly", "impressed", "brilliant", "quick", "smooth", "superb", "easy", "lovely",
        "kind", "star", "legend", "lifesaver", "relief", "relieved", "painless", "gorgeous",
        "excited", "fab", "outstanding", "professional", "patient", "efficient", "thrilled",
        "impressive", "godsend", "treat", "fair",
    }
)  # fmt: skip
NEGATIVE_WORDS = frozenset(
    {
        "frustrated", "frustrating", "frustration", "disappointed", "disappointing",
        "disappointment", "complaint", "complaints", "complain", "terrible", "awful",
        "horrible", "angry", "upset", "unhappy", "useless", "worst", "bad", "poor",
        "annoyed", "annoying", "ridiculous", "unacceptable", "rude", "waste", "furious",
        "unhelpful", "dissatisfied", "unsatisfied", "disgusted", "disgusting", "fed",
        "livid", "rubbish", "disgraceful", "pathetic", "exhausting", "outrageous", "dirty",
        "nightmare", "scam", "unbelievable", "appalling", "shocking", "fuming", "hopeless",
        "incompetent", "shambles", "disaster", "joke", "exhausted", "ugh", "misleading",
        "gutted", "disgrace", "unfair", "unreliable",
    }
)  # fmt: skip
# Phrases that carry sentiment no single word of theirs does.
PRAISING_PHRASES = re.compile(
    r"\b(?:thanks?(?: you)?(?: (?:so|very) much| a lot| a million| loads| ever so much)"
    r"|made my (?:day|week)|you're the best|you're a star|saved me|looking forward"
    r"|weight off my mind|top (?:service|notch|job))\b"
)
DAMNING_PHRASES = re.compile(
    r"\b(?:rip[- ]off|i'm done|sick of|never again|(?:won't|will not) be \w+ (?:with )?you"
    r"|should have done (?:it|this|that) (?:ages|months|years) ago|what a mess"
    r"|(?:considering|thinking (?:of|about)) (?:cancelling|leaving|switching))\b"
)
# Phrases with sentiment words but none of their sentiment, removed before scoring: the
# customer's courtesies and answers, and the agent's pleasantries (which an unlabelled
# speech-to-text transcript mixes into the customer's words).
SENTIMENT_IDIOMS = re.compile(
    r"\b(?:no,? thanks?(?: you)?|thanks? for calling|good (?:morning|afternoon|evening|bye)"
    r"|goodbye|thank you for calling|i'm (?:good|fine|ok|okay|alright)(?:,? thanks?)?"
    r"|(?:happy|glad) to (?:help|assist|hear(?: it)?|sort|look|check|take)"
    r"|great to hear(?: it)?"
    r"|(?:great|good|lovely) choice|that's great to hear|fair enough)\b"
)
# Negated comparisons that praise: "couldn't be happier", "can't ask for better".
PRAISING_NEGATIONS = re.compile(
    r"\b(?:couldn't|could not|can't|cannot)(?:\s+[a-z']+){0,4}?\s+"
    r"(?:better|happier|more pleased|more satisfied|more helpful)\b"
)
# A lone word opening a longer sentence ("perfect, let's book it") acknowledges what was
# said; it does not rate the service, so it carries no sentiment there, unless what
# follows is thanks ("brilliant, thanks mike"): then it is the customer's verdict.
ACKNOWLEDGEMENTS = frozenset(
    {"perfect", "great", "good", "excellent", "fine", "wonderful", "lovely", "brilliant"}
)
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
