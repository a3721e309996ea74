"""Machines side by side: two machines' files and verdicts (:mod:`.diff`), and a fleet's
machines × KBs matrix (:mod:`.fleet`)."""
