"""The co-development feature's registry; every module of the package decorates onto it."""

from __future__ import annotations

from handlers.registry import Registry

registry = Registry()
