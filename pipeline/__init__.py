"""PEEL inspection reports to data: ingest -> structure -> classify -> export."""

__version__ = "0.1.0"
