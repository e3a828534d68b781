"""The Slack adapter, on slack-bolt and slack-sdk: payloads in, Web API calls out; no feature
logic lives here.

`events` (payloads → typed events), `mrkdwn`, `render` and `views` (neutral messages, forms and
App Home → Block Kit within Slack's limits), `metadata` (delivery keys and form origins hidden
in Slack objects), `client` (the WebClient and its 429 handling), `channels` and `users`
(conversation ids, profiles, cached), `mentions` (members named in a command),
`response_urls`, `port` (the ChatPort), `receiver` (Bolt listeners: ack, then work in a pool;
the HTTP route), `home` (App Home publishing), `credentials` and `runner` (Socket Mode or HTTP,
assembly for `relais run`).
"""
