"""How rows are chosen and verdicts given: the verdict enums (:mod:`.kinds`), which row of a
KB applies to a copy (:mod:`.branches`), and the scan of a system against manifests
(:mod:`.scan`)."""

from verscan.verdicts.kinds import FileVerdict, KBVerdict

__all__ = ["FileVerdict", "KBVerdict"]
