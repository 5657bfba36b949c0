"""placeholder"""


def add(commands) -> None:
    pass
