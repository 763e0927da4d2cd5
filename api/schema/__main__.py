"""Print the schema SDL: ``python -m api.schema > schema.graphql``."""

from __future__ import annotations

import sys

from api.schema import print_sdl

sys.stdout.write(print_sdl())
