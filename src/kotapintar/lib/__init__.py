"""Small pure helpers with no Django imports (geometry, money, time, checksums)."""
