"""Domain errors: each carries one message a lab user can act on."""


class TailorseqError(Exception):
    """A problem with the user's input or environment, reported as one clear message."""


class InputError(TailorseqError):
    """Bad input: names the file, the row (when there is one), what is wrong and the fix."""

    def __init__(self, file: str, problem: str, fix: str, row: int | None = None) -> None:
        self.file = file
        self.row = row
        self.problem = problem
        self.fix = fix
        where = f"{file}, row {row}" if row is not None else file
        super().__init__(f"{where}: {problem}. Fix: {fix}")
