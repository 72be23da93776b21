"""Kafka clients tuned for the outbox relay and inbox consumers."""

from __future__ import annotations

import logging

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

log = logging.getLogger(__name__)
DEFAULT_PARTITIONS = 3


def make_producer(bootstrap: str) -> AIOKafkaProducer:
    # acks=all and one in-flight request keep per-partition order on retries
    # without the idempotent producer (the embedded broker has none).
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=False,
        max_batch_size=256 * 1024, linger_ms=2, request_timeout_ms=10000,
        retry_backoff_ms=200, metadata_max_age_ms=10000, client_id="opspact-relay",
    )


def make_consumer(bootstrap: str, group_id: str, topics: list[str],
                  fetch_max_wait_ms: int = 500) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        *topics, bootstrap_servers=bootstrap, group_id=group_id, fetch_max_wait_ms=fetch_max_wait_ms,
        enable_auto_commit=False, auto_offset_reset="earliest",
        metadata_max_age_ms=5000, session_timeout_ms=10000, heartbeat_interval_ms=1000,
        retry_backoff_ms=200, client_id=group_id,
    )


async def ensure_topics(bootstrap: str, topics: list[str],
                        partitions: int = DEFAULT_PARTITIONS) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t not in existing]
        if missing:
            try:
                await admin.create_topics(
                    [NewTopic(t, num_partitions=partitions, replication_factor=1) for t in missing])
            except TopicAlreadyExistsError:
                pass
    finally:
        await admin.close()
