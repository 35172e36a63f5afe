"""Deadline alerts: planning, durable outbox, transports, scheduler."""
