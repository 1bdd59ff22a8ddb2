"""Channels: the outbox, the dispatcher, channel adapters (e-mail, SMS, letters) and the
templates messages are rendered from."""
