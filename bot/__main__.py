"""`python -m bot` is `relais`."""

from bot.cli import main

main()
