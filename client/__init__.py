"""The notebook client: ``from client import Fazhi`` (see :mod:`client.notebook`)."""

from client.notebook import Fazhi

__all__ = ["Fazhi"]
