"""verscan: file-version compliance scanner for Windows binaries."""

__version__ = "0.1.0"
