"""The ``evidence`` commands, by subject; ``cli.py`` registers them on the root app.

``common`` holds what they share (registration with uniform error handling, the reader's
language, output, the station and the store); the other modules import it, never ``cli.py``,
so there is no import cycle.  Like ``cli.py``, these modules are the only ones that print or exit.
"""
