"""Treatment protocols and follow-up schedules as data, and where a patient stands against them.

Every module of a shipped protocol defines ``PROTOCOL``, an immutable
:class:`~remit.protocols.model.Protocol`. :func:`protocol_status` judges one
record against one protocol as of a date; it explains and phrases the next
step as what the protocol says - it never decides (research software, not a
medical device). See ``docs/protocols.md``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import MappingProxyType

from remit.core.record import PatientRecord
from remit.errors import UnknownCodeError
from remit.protocols.model import Protocol
from remit.protocols.results import ProtocolStatus
from remit.protocols.status import protocol_status
from remit.protocols.timeline import has_condition

PROTOCOL_IDS: tuple[str, ...] = (
    "mas_anakinra_2009",
    "cohort_followup_2021",
    "ter_haar_2019",
)


def _load() -> Mapping[str, Protocol]:
    found: dict[str, Protocol] = {}
    for protocol_id in PROTOCOL_IDS:
        module = importlib.import_module(f"remit.protocols.{protocol_id}")
        protocol: Protocol = module.PROTOCOL
        if protocol.id != protocol_id:
            raise AssertionError(f"module {protocol_id} defines {protocol.id}")
        found[protocol_id] = protocol
    return MappingProxyType(found)


PROTOCOLS: Mapping[str, Protocol] = _load()


def get(protocol_id: str) -> Protocol:
    try:
        return PROTOCOLS[protocol_id]
    except KeyError:
        raise UnknownCodeError(
            f"unknown protocol {protocol_id!r}; known: {', '.join(PROTOCOL_IDS)}", field="protocol"
        ) from None


def applicable(record: PatientRecord) -> tuple[Protocol, ...]:
    """Protocols whose conditions (ids or groups) the patient has; a protocol
    naming none applies to every patient with a course of its start drug."""
    found: list[Protocol] = []
    for protocol in PROTOCOLS.values():
        if protocol.applies_to:
            if has_condition(record, protocol.applies_to):
                found.append(protocol)
        elif record.courses_of(protocol.start.drug):
            found.append(protocol)
    return tuple(found)


__all__ = [
    "PROTOCOLS",
    "PROTOCOL_IDS",
    "Protocol",
    "ProtocolStatus",
    "applicable",
    "get",
    "protocol_status",
]
