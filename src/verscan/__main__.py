"""``python -m verscan``: the same program as the ``verscan`` command."""

from verscan.program import run

if __name__ == "__main__":
    run()
