"""Support-call enrichment: the rules as data (`patterns`), reading a transcript in any
export layout (`speakers`), text handling (`text`), money in digits and words (`money`,
`numbers`), the detectors (`detect`, `upsell`), one call's analysis (`enrich`), its staging
rows (`rows`), and measuring the rules on hand-written calls and on the simulator
(`corpus`, `scoring`, `report`, `quality`) and against field libraries (`alternatives`)."""
