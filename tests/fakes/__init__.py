"""Local fake Slack and Mattermost servers, driven in tests through the real client libraries."""
