"""Turning results into :class:`verscan.output.Document` reports, one module per command."""
