"""What one consumer loop reads and how it stores it: the events topic into facts and
aggregates, or the catalog topic into the dimensions. `consumer run` runs one loop of each
(`consumer.cli`); both share the delivery path of `consumer.ingest.loop`."""

from __future__ import annotations

from dataclasses import dataclass

from consumer.ingest.batch import RecordValidator, validate_event_record
from consumer.ingest.catalog import validate_catalog_record
from consumer.store.partitions import EventPartitions, PartitionSpan
from consumer.store.sinks import CatalogSink, EventSink, Sink
from pulse.settings import Settings


@dataclass(frozen=True, slots=True)
class Pipeline:
    topic: str
    validate_record: RecordValidator
    sink: Sink


def events_pipeline(settings: Settings) -> Pipeline:
    partitions = EventPartitions(PartitionSpan.from_settings(settings))
    return Pipeline(
        settings.kafka_topic,
        validate_event_record,
        EventSink(settings.aggregates_enabled, partitions),
    )


def catalog_pipeline(settings: Settings) -> Pipeline:
    return Pipeline(settings.kafka_catalog_topic, validate_catalog_record, CatalogSink())
