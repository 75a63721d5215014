"""The rules of unknot, pure: standard library and pydantic only, no I/O and no clock."""
