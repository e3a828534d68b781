"""The check-ins feature's registry, shared by its modules (commands, answers, jobs)."""

from __future__ import annotations

from handlers.registry import Registry

registry = Registry()
