"""The one output writer: paths checked before any work, atomic replace, nothing partial."""

import errno
import os
import stat

import pytest

from autograd import files
from autograd.files import OutputError, atomic_write, plan_outputs, validate_path, write_outputs


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# ---------------------------------------------------------------- checking paths first


def test_good_paths_pass_and_return_the_real_target(tmp_path):
    assert validate_path(tmp_path / "new.svg") == tmp_path / "new.svg"
    (tmp_path / "old.svg").write_text("old")
    assert validate_path(tmp_path / "old.svg") == tmp_path / "old.svg"
    assert plan_outputs([(tmp_path / "a.svg", "--svg"), (None, "--html")]) == [tmp_path / "a.svg"]


@pytest.mark.parametrize("make, reason", [
    (lambda d: "", "the path is empty"),
    (lambda d: "   ", "the path is empty"),
    (lambda d: d, "it is a folder"),
    (lambda d: d / "no" / "such" / "x.svg", "does not exist"),
    (lambda d: "/dev/null", "not a regular file"),
])
def test_bad_paths_are_refused_with_the_path_and_the_reason(tmp_path, make, reason):
    path = make(tmp_path)
    with pytest.raises(OutputError, match=reason) as caught:
        validate_path(path, "--svg")
    message = str(caught.value)
    assert message.startswith(f"cannot write {os.fspath(path) or repr('')}: ")
    assert "--svg" in message and "Errno" not in message
    assert isinstance(caught.value, OSError)


def test_a_fifo_is_refused(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="not a regular file"):
        validate_path(fifo)  # would block forever if it were opened for writing


def test_a_parent_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="is not a folder"):
        validate_path(tmp_path / "file" / "x.svg")


def test_an_unwritable_folder_is_refused(tmp_path, monkeypatch):
    # Simulated: as root a chmod 0500 folder is still writable, so os.access is what we vary.
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if os.fspath(p) == str(tmp_path) else real_access(p, mode))
    with pytest.raises(OutputError, match="is not writable"):
        validate_path(tmp_path / "x.svg")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root may write into a read-only folder; the simulated test above covers it")
def test_an_unwritable_folder_for_real(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="not writable"):
            validate_path(locked / "x.svg")
    finally:
        locked.chmod(0o700)


def test_the_same_file_twice_is_refused_even_through_a_link(tmp_path):
    with pytest.raises(OutputError, match=r"given twice \(--svg and --html\)"):
        plan_outputs([(tmp_path / "x", "--svg"), (tmp_path / "x", "--html")])
    (tmp_path / "link").symlink_to(tmp_path / "x")
    with pytest.raises(OutputError, match="given twice"):
        plan_outputs([(tmp_path / "x", "--svg"), (tmp_path / "link", "--html")])
    with pytest.raises(OutputError, match="given twice"):
        plan_outputs([(tmp_path / "x", "--svg"), (tmp_path / "." / "x", "--html")])


# ---------------------------------------------------------------- writing


def test_write_replaces_content_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "out.html"
    target.write_text("old page")
    atomic_write(target, "new page ✓")
    assert target.read_text() == "new page ✓"
    atomic_write(target, b"\x00bytes")
    assert target.read_bytes() == b"\x00bytes"
    assert leftovers(tmp_path) == []


def test_an_existing_files_mode_is_kept_and_a_new_file_follows_the_umask(tmp_path):
    target = tmp_path / "shared.json"
    target.write_text("{}")
    target.chmod(0o640)
    atomic_write(target, "{}")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "new.json", "{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o644  # not mkstemp's 0600


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a file away")
def test_as_root_an_existing_files_owner_is_kept(tmp_path):
    target = tmp_path / "owned.json"
    target.write_text("{}")
    os.chown(target, 1234, 2345)
    atomic_write(target, "[]")
    assert (target.stat().st_uid, target.stat().st_gid) == (1234, 2345)


def test_a_symlink_is_written_through_to_its_target(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    atomic_write(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new"
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "created.json")
    atomic_write(dangling, "made")
    assert dangling.is_symlink() and (tmp_path / "created.json").read_text() == "made"


def test_a_full_disk_leaves_the_old_file_intact(tmp_path, monkeypatch):
    target = tmp_path / "page.html"
    target.write_text("the old page, whole")

    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OutputError, match="No space left on device") as caught:
        atomic_write(target, "x" * 100_000)
    assert str(caught.value).startswith(f"cannot write {target}: ")
    monkeypatch.undo()
    assert target.read_text() == "the old page, whole"
    assert leftovers(tmp_path) == []


def test_a_failing_fsync_leaves_the_old_file_intact(tmp_path, monkeypatch):
    target = tmp_path / "m.json"
    target.write_text("old")

    def failing(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing)
    with pytest.raises(OutputError):
        atomic_write(target, "new")
    monkeypatch.undo()
    assert target.read_text() == "old" and leftovers(tmp_path) == []


def test_keyboard_interrupt_while_writing_removes_the_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "m.json"
    target.write_text("old")

    def interrupted(fd, data):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, "new")
    monkeypatch.undo()
    assert target.read_text() == "old" and leftovers(tmp_path) == []


def test_outputs_are_committed_only_when_all_were_written(tmp_path, monkeypatch):
    svg, page = tmp_path / "g.svg", tmp_path / "g.html"
    svg.write_text("old svg")
    page.write_text("old page")
    real_write = os.write
    calls = []

    def second_fails(fd, data):
        calls.append(fd)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", second_fails)
    with pytest.raises(OutputError, match=f"cannot write {page}"):
        write_outputs({svg: "new svg", page: "new page"})
    monkeypatch.undo()
    assert svg.read_text() == "old svg" and page.read_text() == "old page"
    assert leftovers(tmp_path) == []
    write_outputs({svg: "new svg", page: "new page"})
    assert svg.read_text() == "new svg" and page.read_text() == "new page"


def test_write_refuses_bad_paths_before_writing_any(tmp_path):
    good = tmp_path / "good.svg"
    with pytest.raises(OutputError, match="is a folder"):
        write_outputs([(good, "a"), (tmp_path, "b")])
    assert not good.exists() and leftovers(tmp_path) == []


def test_the_module_is_the_only_writer():
    """No other module of the package writes files itself (the project's one-writer rule)."""
    from pathlib import Path

    package = Path(files.__file__).parent
    offenders = []
    for source in package.rglob("*.py"):
        if source.name == "files.py":
            continue
        text = source.read_text()
        for needle in (".write_text(", ".write_bytes(", 'open(path, "w"', "mkstemp("):
            if needle in text:
                offenders.append(f"{source.name}: {needle}")
    assert offenders == []
