"""Support-call transcripts from varied templates, with their ground truth: conversion,
upsell amount (among distractor amounts, in varied formats) and customer sentiment."""

from __future__ import annotations

import random
from decimal import Decimal

from producer.population import Agent
from producer.records import CallTruth, Sentiment
from producer.transcripts import Turn, choose_format, render

# Conventions the consumer's rules can rely on: turns are labelled agent or customer (in
# one of the layouts of producer/transcripts.py, or none at all for speech-to-text);
# sentiment is the customer's (agents' pleasantries are distractors); an upsell is an
# add-on the customer accepts after agreeing to a purchase, booking or sign-up, so every
# upsell call is also a conversion; a declined offer is neither.
COMPANY = "Brightline"
PLANS = ("Basic", "Plus", "Premium", "Family", "Business")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
UPSELLS = (
    "the extended warranty",
    "premium support",
    "the Premium plan upgrade",
    "express installation",
    "the family bundle",
    "cloud backup",
    "a second year of coverage",
    "accidental damage protection",
)

GREETINGS = (
    "Thank you for calling {company}, this is {agent}. How can I help you today?",
    "Hi, you've reached {company} support. My name is {agent}, what can I do for you?",
    "{company} customer care, {agent} speaking.",
    "Hello, this is {agent} from {company}. How may I assist you?",
)
ISSUES = (
    "I'm calling about my {product} order.",
    "My {product} stopped working after two days.",
    "I have a question about my bill, I was charged {amount} last month.",
    "I'd like to know more about your {plan} plan.",
    "The {product} I ordered arrived late. My order number is {order_no}.",
    "I want to change the delivery address for order {order_no}.",
    "I was told I'd get a refund of {amount} but I don't see it yet.",
    "Can you explain the {plan} plan? The website says {amount}.",
)
ACKS = (
    "Let me pull up your account.",
    "Sure, one moment while I check that.",
    "I can look into that for you.",
    "Okay, let me see what I can do.",
)
# Amounts that are not upsells: what the customer pays already, credits, fees.
AGENT_DISTRACTORS = (
    "I see a credit of {amount} was applied on the 3rd.",
    "Your current plan is {amount} per month.",
    "There was a delivery fee of {amount} on that order.",
    "Your last invoice was {amount}, paid on the 12th.",
    "I've refunded {amount} to your card, it takes three to five days.",
    "On the annual plan you would save {amount} a year.",
)
# Pleasantries from the agent carry sentiment words but are not the customer's sentiment.
AGENT_PLEASANTRIES = ("I'm happy to help with that.", "I'd be glad to sort this out.")
OFFERS = {
    "booking": "I have a technician slot on {day} at {hour} o'clock. Would that work?",
    "purchase": "The {product} is in stock for {amount}.",
    "signup": "We can enroll you in the {plan} plan today.",
}
ACCEPTS = {
    "booking": (
        "Yes, I'll book that appointment.",
        "Please book it for {day}.",
        "That works, schedule the visit.",
        "Perfect, let's schedule it for {day}.",
        "Okay, go ahead and reserve that slot.",
    ),
    "purchase": (
        "Let's proceed with the purchase.",
        "Go ahead and place the order.",
        "I'll take it.",
        "Sounds reasonable, I'll buy it.",
        "Alright, I've decided to order one.",
    ),
    "signup": (
        "Sign me up for that.",
        "Yes, enroll me in the {plan} plan.",
        "Okay, I'll sign up today.",
        "Count me in.",
        "Alright, register me for the {plan} plan.",
    ),
}
# Refusals, some of which contain the words of a conversion under a negation.
DECLINES = (
    "I'll think about it and call back.",
    "Not today.",
    "Let me talk to my partner first.",
    "I don't want to sign up right now.",
    "Please don't book anything yet.",
    "I'm not ready to proceed with the purchase.",
    "I won't be buying anything today.",
    "Maybe next month, I'm not signing up now.",
    "Can I book it online later?",
)
UPSELL_OFFERS = (
    "Would you like to add {upsell} for {amount}?",
    "I can include {upsell} for an extra {amount}.",
    "For {amount} more I can add {upsell}.",
    "We also offer {upsell} at {amount}. Should I add it?",
    "Many customers add {upsell} as well, it's {amount}. Want it?",
)
UPSELL_ACCEPTS = (
    "Yes, add it.",
    "Sure, include that too.",
    "Okay, let's add {upsell}.",
    "Yes please, go ahead with that.",
    "Alright, throw it in.",
    "Go ahead and add it.",
    "Go on then.",
    "Might as well.",
    "Yeah, stick it on.",
)
UPSELL_DECLINES = (
    "No thanks, I'll pass on that.",
    "Not interested in the add-on.",
    "I'll skip {upsell}.",
    "Nah, not this time.",
    "I don't need {upsell}.",
    "I'm good, thanks.",
    "Maybe next time.",
    "We'll leave it, thanks.",
)
CLOSINGS = {
    Sentiment.POSITIVE: (
        "Thank you, that was really helpful.",
        "Excellent service, I appreciate it.",
        "I'm very satisfied with the help today.",
        "I would recommend you to my friends.",
        "No complaints at all, this was quick.",
        "You solved it, great job.",
        "This was a great help, thanks so much.",
        "Couldn't have asked for better service.",
        "Cheers, you've been brilliant.",
        "Thanks so much, that's a weight off my mind.",
    ),
    Sentiment.NEGATIVE: (
        "I'm not happy with this at all.",
        "Honestly, this wasn't helpful.",
        "I'm frustrated, this is the third time I've called.",
        "This is really disappointing.",
        "I want to file a complaint.",
        "I'm not satisfied with the service.",
        "That was a terrible experience.",
        "I'm not impressed, to be honest.",
        "This has been a waste of my time.",
        "Honestly, it's a rip-off.",
        "I'm fed up with this.",
    ),
    Sentiment.NEUTRAL: (
        "Okay, got it.",
        "Alright, that answers my question.",
        "Understood, I'll wait for the email.",
        "Okay, I'll check again tomorrow.",
        "Noted, goodbye.",
        "Fine, I'll wait for the technician.",
        "Right, I'll look out for the confirmation.",
        "Okay, thanks.",
        "Right, cheers.",
    ),
}
AGENT_CLOSINGS = (
    "Is there anything else I can do for you?",
    "Thanks for calling {company}.",
    "Your reference number is {order_no}.",
    "Take care.",
)
UPSELL_SHARE = 0.45
DECLINED_UPSELL_SHARE = 0.3
DISTRACTOR_SHARE = 0.5


def format_amount(rng: random.Random, amount: Decimal) -> str:
    """One of the ways people write money: "$1,299.00", "$49", "49 dollars", "USD 20"."""
    whole = amount == amount.to_integral_value()
    plain = f"{int(amount)}" if whole else f"{amount:.2f}"
    styles = (
        f"${amount:,.2f}",
        f"${int(amount):,}" if whole else f"${amount:.2f}",
        f"{plain} dollars",
        f"USD {plain}",
        f"{plain} USD",
    )
    return styles[int(rng.random() * len(styles))]


def random_amount(rng: random.Random) -> Decimal:
    """Log-uniform between 5 and 1,500, whole or ending in .99, as add-ons are priced."""
    value = int(5 * (300 ** rng.random()))
    return Decimal(value) if rng.random() < 0.5 else Decimal(f"{value}.99")


def _sentiment(rng: random.Random, converted: bool) -> Sentiment:
    roll = rng.random()
    positive, neutral = (0.6, 0.3) if converted else (0.2, 0.4)
    if roll < positive:
        return Sentiment.POSITIVE
    if roll < positive + neutral:
        return Sentiment.NEUTRAL
    return Sentiment.NEGATIVE


def _noisy(rng: random.Random, line: str) -> str:
    # Raw transcripts are messy; the consumer is expected to clean whitespace and case.
    roll = rng.random()
    if roll < 0.08:
        return line.replace(" ", "  ", 2)
    if roll < 0.11:
        return line.lower()
    return line


def agent_display_name(rng: random.Random, agent: Agent) -> str:
    """The agent's name as the telephony system typed it: mostly clean, sometimes not."""
    roll = rng.random()
    if roll < 0.08:
        return agent.name.lower()
    if roll < 0.14:
        return agent.name.upper()
    if roll < 0.2:
        return f" {agent.name.replace(' ', '  ')} "
    return agent.name


def make_call(
    rng: random.Random, agent: Agent, product: str, *, transcript_format: str | None = None
) -> tuple[str, int, CallTruth]:
    """(transcript, duration in seconds, truth) of one call with `agent`, laid out in
    `transcript_format` (producer/transcripts.py), or in a format drawn at random."""
    converted = rng.random() < agent.close_rate
    values = {
        "company": COMPANY,
        "agent": agent.name.split()[0],
        "product": product,
        "plan": rng.choice(PLANS),
        "day": rng.choice(DAYS),
        "hour": str(rng.randrange(8, 18)),
        "order_no": str(rng.randrange(10_000, 99_999)),
        "upsell": rng.choice(UPSELLS),
    }

    def fill(template: str) -> str:
        # A fresh amount per template so distractors never equal the upsell by design.
        return template.format(amount=format_amount(rng, random_amount(rng)), **values)

    agent_says, customer_says = True, False
    turns: list[Turn] = [
        (agent_says, fill(rng.choice(GREETINGS))),
        (customer_says, fill(rng.choice(ISSUES))),
        (agent_says, fill(rng.choice(ACKS))),
    ]
    if rng.random() < 0.2:
        turns.append((agent_says, rng.choice(AGENT_PLEASANTRIES)))
    if rng.random() < DISTRACTOR_SHARE:
        turns.append((agent_says, fill(rng.choice(AGENT_DISTRACTORS))))
    kind = rng.choice(tuple(OFFERS))
    upsell_amount: Decimal | None = None
    if converted or rng.random() < 0.7:
        turns.append((agent_says, fill(OFFERS[kind])))
        answer = rng.choice(ACCEPTS[kind]) if converted else rng.choice(DECLINES)
        turns.append((customer_says, fill(answer)))
    if converted and rng.random() < UPSELL_SHARE:
        upsell_amount = random_amount(rng)
        offer = rng.choice(UPSELL_OFFERS).format(
            amount=format_amount(rng, upsell_amount), upsell=values["upsell"]
        )
        turns.append((agent_says, offer))
        turns.append((customer_says, fill(rng.choice(UPSELL_ACCEPTS))))
    elif rng.random() < DECLINED_UPSELL_SHARE:
        turns.append((agent_says, fill(rng.choice(UPSELL_OFFERS))))
        turns.append((customer_says, fill(rng.choice(UPSELL_DECLINES))))
    sentiment = _sentiment(rng, converted)
    turns.append((customer_says, rng.choice(CLOSINGS[sentiment])))
    turns.append((agent_says, fill(rng.choice(AGENT_CLOSINGS))))
    layout = transcript_format or choose_format(rng)
    transcript = render(rng, [(who, _noisy(rng, text)) for who, text in turns], layout)
    duration = int(45 + 20 * len(turns) + rng.expovariate(1 / 150))
    truth = CallTruth(
        agent_id=agent.agent_id,
        converted=converted,
        upsell_amount=None if upsell_amount is None else upsell_amount.quantize(Decimal("0.01")),
        upsell_product=values["upsell"] if upsell_amount is not None else None,
        sentiment=sentiment,
        transcript_format=layout,
    )
    return transcript, min(duration, 86_400), truth
