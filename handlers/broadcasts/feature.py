"""The broadcasts feature's registry, shared by its modules (commands, buttons, jobs)."""

from __future__ import annotations

from handlers.registry import Registry

registry = Registry()
