"""Kota Pintar — an open-source smart-city platform for Indonesian city governments."""

__version__ = "0.1.0"
