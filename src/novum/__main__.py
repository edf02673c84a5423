"""``python -m novum`` runs the command line."""

from novum.cli.app import main

main()
