"""Dates, times, periods, durations and time zones as French managers type them.

One parser for every feature, French first, English accepted, so that "lundi 9h", "7/12",
"du 7 au 11 décembre" or "demain 14h30" mean the same thing wherever they are typed. Every
accepted value is echoed back resolved (`echo`) so that a misunderstanding shows at once.
"""

from handlers.when.echo import (
    describe_day,
    describe_moment,
    describe_period,
    describe_time,
    place_of,
)
from handlers.when.parse import (
    WhenError,
    parse_day,
    parse_duration,
    parse_moment,
    parse_period,
)
from handlers.when.zones import find_zone

__all__ = [
    "WhenError",
    "describe_day",
    "describe_moment",
    "describe_period",
    "describe_time",
    "find_zone",
    "parse_day",
    "parse_duration",
    "parse_moment",
    "parse_period",
    "place_of",
]
