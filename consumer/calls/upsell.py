"""Upsell detection: an add-on the agent prices on top of the main sale, that the
customer's answer accepts.

A priced sentence of an agent is an add-on offer when it names one ("add", "extra",
"would you like", ...) or when the agent has already confirmed the main sale earlier in
the same turn ("$549, ordered. Assembly service is $45."): a price stated after the sale
is done is something more. The price is the first amount after the offer's words, else
the last one before them; a price with a currency named beats one without ("eight
thirty" is a time more often than $8.30).

Without speaker labels (speech-to-text) every pseudo-sentence is a turn of unknown
speaker, and the same reading applies: an offer, then the first answer that decides."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from consumer.calls import money, patterns
from consumer.calls.speakers import Speaker, Turn
from consumer.calls.text import confirmation, sentences, words

# How many turns after an offer may still answer it (speech-to-text cuts a reply in
# several pseudo-sentences: "oh" / "yes add the sports pack please").
_ANSWER_TURNS = 3


@dataclass(frozen=True, slots=True)
class Upsell:
    amount: Decimal
    product: str | None
    offer_words: frozenset[str] = frozenset()  # content words of the offer, for echoes
    # The agent named the offer as one ("would you like", "extra"), rather than only
    # stating a price after the sale: only then does a bare "okay" accept it.
    is_explicit: bool = True
    # What follows the offer in its sentence: in unlabelled speech-to-text, the answer
    # often runs on in the same pseudo-sentence ("... for $10 might as well").
    tail: str = ""


def upsell(all_turns: list[Turn]) -> Upsell | None:
    """The accepted add-on(s): amounts add up, the product named is the first one's.
    None when no offer was accepted, or their sum does not fit the column."""
    accepted: list[Upsell] = []
    offer: Upsell | None = None
    waited = 0
    sale_done = False  # unlabelled text: a confirmation may be a pseudo-sentence of its own
    for turn in all_turns:
        is_unknown = turn.speaker is Speaker.UNKNOWN
        found = (
            None
            if turn.speaker is Speaker.CUSTOMER
            else priced_offer(turn.text, sale_done=sale_done and is_unknown)
        )
        sale_done = sale_done or (is_unknown and _confirms_sale(turn.text))
        if found is not None:
            offer, waited = found, 0
            answer = accepts(found.tail, found) if is_unknown and found.tail else None
            if answer is not None:
                accepted += [found] if answer else []
                offer = None
            continue
        if offer is None or turn.speaker is Speaker.AGENT:
            continue
        if is_unknown and patterns.OFFER_QUESTION.match(turn.text):
            continue  # "we also offer x at $5 / should i add it / no": not the answer yet
        answer = accepts(turn.text, offer)
        waited += 1
        if answer is not None or waited >= _ANSWER_TURNS or turn.speaker is Speaker.CUSTOMER:
            if answer:
                accepted.append(offer)
            offer = None
    if not accepted:
        return None
    total = sum((u.amount for u in accepted), Decimal("0.00"))
    if total > money.MAX_UPSELL_AMOUNT:
        return None  # does not fit support_calls.upsell_amount: no amount, never an error
    return Upsell(total, accepted[0].product)


def priced_offer(text: str, *, sale_done: bool = False) -> Upsell | None:
    """The add-on a turn offers, with its price; the last offer when it makes several.
    `sale_done`: the main sale was confirmed before this turn."""
    offer: Upsell | None = None
    confirmed = sale_done  # the main sale was confirmed in an earlier sentence
    for sentence in sentences(text):
        cue = patterns.ADDON_OFFER.search(sentence)
        sale = confirmation(patterns.SALE_CONFIRMED, sentence)
        if cue is not None:
            price = _price(sentence, cue.start(), cue.end())
        elif confirmed:
            price = _price(sentence, 0, 0)
        elif sale is not None:  # unpunctuated: "i've placed the order a spare pack is $18"
            price = _price(sentence, sale.end(), sale.end(), before=False)
        else:
            price = None
        if price is not None:
            tail = sentence[max(price.end, cue.end() if cue else 0) :]
            offer = Upsell(
                price.value, _product(sentence), _content(sentence), cue is not None, tail
            )
        elif cue is not None:  # "would you like gift wrapping? it's $15."
            confirmed = True
            continue
        confirmed = confirmed or sale is not None
    return offer


def _confirms_sale(text: str) -> bool:
    return any(
        confirmation(patterns.SALE_CONFIRMED, s) or patterns.ADDON_OFFER.search(s)
        for s in sentences(text)
    )


def _price(
    sentence: str, cue_start: int, cue_end: int, *, before: bool = True
) -> money.Amount | None:
    """The first amount after the cue, else the last one before it; on either side an
    amount with a currency named wins over one without."""
    found = money.amounts(sentence)
    after = [a for a in found if a.start >= cue_end]
    earlier = [a for a in found if a.start < cue_start] if before else []
    if after:
        return ([a for a in after if a.marked] or after)[0]
    if earlier:
        return ([a for a in earlier if a.marked] or earlier)[-1]
    return None


def _product(sentence: str) -> str | None:
    for match in patterns.ADDON_PRODUCT.finditer(sentence):
        name = match.group("product").strip()
        if name and name not in patterns.PRONOUNS and not money.amounts(name):
            return patterns.ARTICLES.sub("", name)
    return None


def _content(sentence: str) -> frozenset[str]:
    return frozenset(w for w in words(sentence) if len(w) > 2) - patterns.GENERIC_WORDS


def accepts(text: str, offer: Upsell) -> bool | None:
    """True when the answer accepts the offer, False when it declines, None when it
    does not say. The first sentence that says decides."""
    for sentence in sentences(text):
        plain = patterns.ANSWER_IDIOMS.sub(" ", sentence).strip(" ,")
        tokens = words(plain)
        decline = patterns.DECLINE_ANSWER.search(plain)
        accept = patterns.ACCEPT_ANSWER.search(plain)
        if patterns.REQUEST_ANSWER.match(" ".join(tokens)):
            accept = accept or patterns.REQUEST_ANSWER.match(" ".join(tokens))
        # Whichever comes first decides: "no, that's fine" declines, "yes add it, i'm not
        # buying anything else" accepts (and a tie declines: "yeah, no").
        if decline and (accept is None or decline.start() <= accept.start()):
            return False
        if accept:
            return True
        if offer.is_explicit and tokens and all(t in patterns.WEAK_YES for t in tokens):
            return True  # "okay." / "yeah alright." on their own
        if tokens and tokens[0] in patterns.WEAK_YES and offer.offer_words.intersection(tokens):
            return True  # "alright, go ad-free then": a yes that names the offer
        if "why not" in sentence:
            return True
    return None
