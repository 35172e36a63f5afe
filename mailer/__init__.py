"""Deadline alerts (a shell): planning, durable outbox, transports, scheduler. Uses the core, never `addin`."""
