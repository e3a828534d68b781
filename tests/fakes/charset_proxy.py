"""A reverse proxy in front of a fake, rewriting JSON answers' type to
`application/json; charset=utf-8`, as nginx `charset utf-8;` or API gateways do.

Mattermost itself answers the bare `application/json` (`server/channels/web/handlers.go`,
`ServeHTTP`: `w.Header().Set("Content-Type", "application/json")`); what reaches the bot behind
such a proxy does not, and a client that compares the header as a string breaks there.
"""

from __future__ import annotations

import aiohttp
from aiohttp import web

from ._aiohttp_thread import AiohttpThread, ServedFake

PROXIED_TYPE = "application/json; charset=utf-8"
_HOP_BY_HOP = frozenset({"host", "content-length", "transfer-encoding", "connection"})


class CharsetProxy(ServedFake):
    def __init__(self, target: str) -> None:
        self._target = target.rstrip("/")
        self.rewritten = 0
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._server = AiohttpThread(app, "charset-proxy")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.port}"

    async def _forward(self, request: web.Request) -> web.Response:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        async with (
            aiohttp.ClientSession() as session,
            session.request(
                request.method,
                self._target + request.rel_url.path_qs,
                headers=headers,
                data=await request.read(),
            ) as upstream,
        ):
            body = await upstream.read()
            answer = {k: v for k, v in upstream.headers.items() if k.lower() not in _HOP_BY_HOP}
        if answer.get("Content-Type", "").split(";")[0].strip() == "application/json":
            answer["Content-Type"] = PROXIED_TYPE
            self.rewritten += 1
        return web.Response(status=upstream.status, body=body, headers=answer)
