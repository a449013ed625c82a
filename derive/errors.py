"""The one exception family the CLI turns into ``exit 2`` and a one-line message."""


class UserError(ValueError):
    """Bad input from the user (an argument, a given, an answer, a file).

    ``arg`` names the argument at fault when known (e.g. ``--given weights``); the CLI prints
    ``chainrule: error: <arg>: <message>`` on one line and exits with status 2.
    """

    def __init__(self, message: str, arg: str | None = None):
        super().__init__(message)
        self.arg = arg
