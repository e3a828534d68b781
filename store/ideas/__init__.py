"""Queries for idea threads, one module per concept; the caller owns the transaction.

`campaigns` (calls for ideas and the permanent box), `records` (ideas and their status
history), `participation` (supports, follows, comments, private notes), `reports`
(moderation), `figures` (statistics, export rows, digest selections).
"""
