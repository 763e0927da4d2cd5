"""Configuration: the one settings object of Fazhi Graph."""

from config.settings import Settings, get_settings

__all__ = ["Settings", "get_settings"]
