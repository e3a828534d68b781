"""The Matrix adapter (Tchap, Element): sync in, `m.room.message` out; no feature logic here.

`connection` (matrix-nio on its own loop), `events` (timeline events → typed events), `render`
(messages → contents), `rooms` (direct rooms), `conversations` (numbered choices, forms field by
field), `port` (the ChatPort), `inbound` (the sync loop and its stored position), `runner`
(assembly for `relais run`).
"""
