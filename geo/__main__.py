"""`python -m geo`: the project's one command-line entry."""

from geo.cli import main

raise SystemExit(main())
