"""The Mattermost adapter: payloads in, REST calls out; no feature logic lives here.

`events` (payloads → typed events), `render` and `dialogs` (messages and forms → Mattermost),
`signing` (our HMAC on actions and dialogs), `api` (REST behind a small interface), `port`
(the ChatPort), `stream` (the websocket), `inbound` (posts exactly once, with catch-up),
`http` (slash command, actions, dialogs), `runner` (assembly for `relais run`).
"""
