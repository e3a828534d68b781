"""Counts that say how wide the seam between platforms and features is.

Runs one Slack mention (a member asks for help and names a colleague the bot has not met)
through the real adapter, behind the real HTTP server, against the fake Slack, on a fresh SQLite
store, and reports:

- files: the project files (bot/, handlers/, store/) whose code ran for that mention;
- hops: the hand-offs the mention takes, as distinct calls from a file of `bot/` (wiring,
  adapters, runtime: the files that pass the event along) into another project file;
- path: the project files on the call stack, outermost first, when the request is handed to a
  worker and when the answer is posted to Slack (consecutive frames of one file counted once);
- transactions: database transactions the mention opened before its answer was queued (the
  outbox's own delivery transactions are listed apart), and how often `store.identity` was entered;
- adapter→store imports and module import cycles, from the import statements in the source.

Usage: `python bench/seam_counts.py` (prints one JSON object).
"""

from __future__ import annotations

import ast
import json
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy.orm import sessionmaker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.adapters.slack.runner import connect  # noqa: E402
from bot.http import HttpServer  # noqa: E402
from bot.outbox import OutboxPolicy  # noqa: E402
from handlers.clock import FakeClock  # noqa: E402
from store import migrate  # noqa: E402
from store.db import make_engine  # noqa: E402
from tests.conftest import START, make_settings  # noqa: E402
from tests.slack_harness import SECRET, SlackHarness, SlackWorkspace, fixture  # noqa: E402
from tests.test_architecture import strongly_connected  # noqa: E402

PARTS = ("bot/", "handlers/", "store/")


def _project(frame: FrameType | None) -> str | None:
    if frame is None:
        return None
    name = frame.f_code.co_filename
    if not name.startswith(str(ROOT)):
        return None
    relative = name[len(str(ROOT)) + 1 :]
    return relative if relative.startswith(PARTS) else None


def _path(frame: FrameType | None) -> list[str]:
    files: list[str] = []
    while frame is not None:
        found = _project(frame)
        if found is not None and (not files or files[-1] != found):
            files.append(found)
        frame = frame.f_back
    return list(reversed(files))


def _caller(frame: FrameType) -> str | None:
    """The nearest project file up the stack from `frame`, library frames skipped."""
    outer = frame.f_back
    while outer is not None and _project(outer) is None:
        outer = outer.f_back
    return _project(outer)


class Tracer:
    def __init__(self) -> None:
        self.files: set[str] = set()
        self.edges: set[tuple[str, str]] = set()
        self.handoff: list[str] = []
        self.post: list[str] = []
        self.identity: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.on = False

    def __call__(self, frame: FrameType, what: str, _arg: Any) -> None:
        if not self.on or what != "call":
            return
        code = frame.f_code
        here = _project(frame)
        with self.lock:
            if here is not None:
                self.files.add(here)
                caller = _project(frame.f_back)
                outer = _caller(frame)
                if outer is not None and outer != here and outer.startswith("bot/"):
                    self.edges.add((outer, here))
                if here == "store/identity.py" and caller != here:
                    self.identity[code.co_name] += 1
            elif code.co_name == "submit" and code.co_filename.endswith("futures/thread.py"):
                path = _path(frame)
                if not self.handoff and any(p.startswith("bot/adapters/") for p in path):
                    self.handoff = path
            elif code.co_name == "api_call" and "slack_sdk" in code.co_filename:
                method = str(frame.f_locals.get("api_method", ""))
                if method.startswith("chat.post") and not self.post:
                    self.post = _path(frame)


def mention_counts() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/relais.db")
        migrate.upgrade(engine)
        sessions = sessionmaker(bind=engine, expire_on_commit=False)
        begins: list[list[str]] = []
        tracer = Tracer()
        threading.setprofile(tracer)

        def on_begin(_connection: Any) -> None:
            if tracer.on:
                begins.append(_path(sys._getframe()))

        sa_event.listen(engine, "begin", on_begin)
        from bot.app import build

        with SlackWorkspace() as fake:
            server = HttpServer(host="127.0.0.1", port=0)
            server.start()
            app = build(
                make_settings(
                    engine,
                    slack_bot_token="xoxb-test",
                    slack_signing_secret=SECRET,
                    slack_api_url=fake.base_url,
                ),
                clock=FakeClock(START),
                engine=engine,
                sessions=sessions,
                policy=OutboxPolicy(base_delay=0.0, max_delay=0.0, channel_interval={}),
                upgrade=False,
            )
            adapter = connect(app, workers=1)
            adapter.listen(server)
            harness = SlackHarness(fake, app, adapter, server)
            try:
                warm = fixture("app_mention_top_level")
                harness.event(warm)
                body = fixture("app_mention_top_level")
                body["event_id"] = "Ev0MENTION2"
                body["event"]["ts"] = body["event"]["event_ts"] = "1765094500.000100"
                body["event"]["text"] = "<@U0RELAISBOT> aide, et <@U0CARL> aussi"
                sys.setprofile(tracer)
                tracer.on = True
                harness.event(body)
                tracer.on = False
                sys.setprofile(None)
                threading.setprofile(None)  # type: ignore[arg-type]
            finally:
                adapter.stop()
                server.stop()
        engine.dispose()
    delivery = [b for b in begins if "bot/outbox.py" in b and _after_handling(b)]
    handling = [b for b in begins if b not in delivery]
    return {
        "files": len(tracer.files),
        "files_list": sorted(tracer.files),
        "path_to_worker": tracer.handoff,
        "path_to_post": tracer.post,
        "hops": len(tracer.edges),
        "hops_list": sorted(f"{a} -> {b}" for a, b in tracer.edges),
        "transactions_handling": len(handling),
        "transactions_delivery": len(delivery),
        "transactions_where": [" > ".join(b[-3:]) for b in handling],
        "identity_entries": dict(tracer.identity),
    }


def _after_handling(stack: list[str]) -> bool:
    """A transaction opened by the outbox while delivering, not while the event was handled."""
    return stack.index("bot/outbox.py") >= len(stack) - 3


def import_graph(*, type_checking: bool = False) -> dict[str, dict[str, list[int]]]:
    """module → imported project module → line numbers, read from the source (namespace
    packages included); imports under `if TYPE_CHECKING:` only when `type_checking`."""
    files = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): path
        for part in ("bot", "handlers", "store")
        for path in (ROOT / part).rglob("*.py")
        if "versions" not in path.parts
    }
    graph: dict[str, dict[str, list[int]]] = {}
    for module, path in files.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        edges: dict[str, list[int]] = {}
        for node, checking in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if checking and not type_checking:
                continue
            for target in _targets(node, package):
                while target and target not in files:
                    target = target.rpartition(".")[0]
                if target and target != module:
                    edges.setdefault(target, []).append(node.lineno)
        graph[module] = edges
    return graph


def _imports(tree: ast.AST) -> list[tuple[ast.Import | ast.ImportFrom, bool]]:
    found: list[tuple[ast.Import | ast.ImportFrom, bool]] = []

    def visit(node: ast.AST, checking: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.append((child, checking))
            elif isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for inner in child.body:
                    visit(ast.Module(body=[inner], type_ignores=[]), True)
                for inner in child.orelse:
                    visit(ast.Module(body=[inner], type_ignores=[]), checking)
            else:
                visit(child, checking)

    visit(tree, False)
    return found


def _targets(node: ast.Import | ast.ImportFrom, package: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        parts = package.split(".")
        parts = parts[: len(parts) - node.level + 1]
        base = ".".join([*parts, base] if base else parts)
    return [f"{base}.{alias.name}" for alias in node.names]


def graph_counts() -> dict[str, Any]:
    graph = import_graph()
    adapter_store = sorted(
        {
            f"{importer} -> {imported} (line {line})"
            for importer, edges in sorted(graph.items())
            if importer.startswith("bot.adapters")
            for imported, lines in sorted(edges.items())
            if imported.split(".")[0] == "store"
            for line in lines
        }
    )
    cycles = _cycles(graph)
    with_checking = _cycles(import_graph(type_checking=True))
    return {
        "adapter_store_imports": len(adapter_store),
        "adapter_store_list": adapter_store,
        "module_cycles": len(cycles),
        "modules_in_cycles": sum(len(c) for c in cycles),
        "cycles": [sorted(c) for c in cycles],
        "module_cycles_with_type_checking": len(with_checking),
        "cycles_with_type_checking": [sorted(c) for c in with_checking],
    }


def _cycles(graph: dict[str, dict[str, list[int]]]) -> list[set[str]]:
    return [set(c) for c in strongly_connected({m: sorted(graph[m]) for m in sorted(graph)})]


if __name__ == "__main__":
    print(json.dumps(mention_counts() | graph_counts(), indent=1, ensure_ascii=False))
