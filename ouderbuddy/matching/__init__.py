"""Matching help requests with buddies: the engine (pure functions, no Django)."""
