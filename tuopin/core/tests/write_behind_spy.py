"""A spy on the imports' writer: whether each WriteBehind it starts is threaded."""

from tuopin.core import write_behind


def writers_started(monkeypatch) -> list[bool]:
    """The list that records, per WriteBehind an import starts, whether it writes on a
    thread of its own (PostgreSQL) or at the end on the caller's connection."""
    threaded = []
    original = write_behind.WriteBehind.__init__

    def remember(self, *args):
        original(self, *args)
        threaded.append(self.threaded)

    monkeypatch.setattr(write_behind.WriteBehind, "__init__", remember)
    return threaded
