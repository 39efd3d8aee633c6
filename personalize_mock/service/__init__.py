"""The Personalize backend, one package per resource family over a shared core.

``core`` (store, lifecycles, common fields, pagination, tags, S3) is below every family.
``data`` sits on the core; ``training`` on data; ``deployment`` on training; ``inference``
on deployment; ``events`` on data. docs/architecture.md draws the layers, and
import-linter's contracts in pyproject.toml hold them.
"""
