"""Core tasks."""
