"""`python -m vigie` runs the command line."""

from vigie.cli import main

main()
