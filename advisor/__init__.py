"""Social procurement advisor: retrieval-grounded answers with verbatim citations."""

__version__ = "0.1.0"
