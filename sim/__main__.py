"""`python -m sim` is the same as the `groupsim` command."""

from sim.cli import main

main()
