"""The one output writer: paths checked before any work, atomic replace, nothing partial."""

import errno
import os
import re
import stat
from pathlib import Path

import pytest

from autograd.util import files

from autograd.util import reading
from autograd.util.files import OutputError, atomic_write, plan_outputs, validate_path, write_outputs


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
    (lambda d: f"{d}/new/", "it names a folder"),  # realpath drops the '/': a file 'new' was written
    (lambda d: f"{d}/", "it names a folder"),
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


NOBODY = 65534


def as_nobody(action):
    """``action()`` run by an ordinary user (nobody) in a forked child, as the suite runs as root
    (who may write anything); returns what it returns (a string), or fails with its traceback."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop every privilege, run, report, and never return into pytest
        status = 1
        try:
            os.close(reader)
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            text, status = str(action()), 0
        except BaseException:
            import traceback
            text = traceback.format_exc()
        os.write(writer, text.encode())
        os._exit(status)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        text = pipe.read().decode()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, text
    return text


@pytest.fixture
def shared():
    """A folder everyone may write into (under /tmp: pytest's own folders are root's alone)."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="autograd-shared-"))
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder)


def refusal(path):
    """The writer's answer for ``path``, and the shell's (`echo x > path`), as one line."""
    try:
        atomic_write(path, "replaced")
        ours = "written"
    except OutputError as error:
        ours = error.reason
    try:
        with open(path, "a"):  # what `>` needs (opening for writing), without truncating
            shell = "written"
    except PermissionError:
        shell = "refused"
    return f"{ours} | {shell}"


def test_an_unwritable_folder_for_real(shared):
    locked = shared / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    answer = as_nobody(lambda: refusal(locked / "x.svg"))
    assert answer == f"the folder {locked} is not writable | refused"
    assert list(locked.iterdir()) == []


def test_a_read_only_file_is_refused_as_the_shell_refuses_it(shared):
    """An ordinary user in a writable folder replaced a 0444 file (someone else's or their own)
    where `echo x > file` is refused; root may write it, as in the shell."""
    theirs, mine = shared / "theirs.txt", shared / "mine.txt"
    for path, owner in ((theirs, 1234), (mine, NOBODY)):
        path.write_text("keep")
        os.chown(path, owner, owner)
        path.chmod(0o444)
        assert as_nobody(lambda: refusal(path)) == "the file is read-only for this user | refused"
        assert path.read_text() == "keep" and stat.S_IMODE(path.stat().st_mode) == 0o444
    assert sorted(p.name for p in shared.iterdir()) == ["mine.txt", "theirs.txt"]
    if os.geteuid() == 0:
        assert refusal(theirs) == "written | written"
        assert theirs.read_text() == "replaced" and theirs.stat().st_uid == 1234


def test_someone_elses_file_in_a_sticky_folder_is_refused_before_any_work(shared):
    """/tmp's sticky bit lets only a file's owner rename over it: refused now, not after the work."""
    shared.chmod(0o1777)
    theirs = shared / "theirs.txt"
    theirs.write_text("keep")
    os.chown(theirs, 1234, 1234)
    theirs.chmod(0o666)
    answer = as_nobody(lambda: refusal(theirs).split(" | ")[0])
    assert answer == "the file belongs to another user in a folder with the sticky bit"
    assert as_nobody(lambda: refusal(shared / "new.txt")) == "written | written"  # a new file is fine


# ---------------------------------------------------------------- names at the folder's limit


@pytest.mark.parametrize("name", ["n" * 242, "n" * 255, "é" * 125 + ".svg", "x" * 251 + ".svg"])
def test_names_up_to_the_limit_are_written(tmp_path, name):
    """Names of 242-255 bytes failed after the work: the temporary name was 13 bytes longer."""
    target = tmp_path / name
    target.write_text("old")
    atomic_write(target, "new")
    assert target.read_text() == "new" and [p.name for p in tmp_path.iterdir()] == [name]


def test_a_name_over_the_limit_is_refused_before_any_work(tmp_path, run_cli):
    name = "é" * 127 + ".svg"  # 258 bytes, 131 characters
    with pytest.raises(OutputError, match="the file name is 258 bytes long, the most this folder allows is 255"):
        validate_path(tmp_path / name)
    code, out, err = run_cli(*GRAD, "--svg", str(tmp_path / name))
    assert_one_error(code, out, err, "the file name is 258 bytes long, the most this folder allows is 255 (--svg)")
    assert list(tmp_path.iterdir()) == []
    deep = tmp_path.joinpath(*["d" * 200] * 19)  # a folder path under 4,096 bytes, and a long name in it
    deep.mkdir(parents=True)
    size = len(os.fsencode(str(deep))) + 1 + 250
    with pytest.raises(OutputError, match=f"the path is {size:,} bytes long, the most a path may be is 4,095"):
        validate_path(deep / ("n" * 250))


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


# Ways to write a file: pathlib's writers, open() (or Path.open()) with a mode that writes,
# temporary files, renames and copies, os.open's writing flags, numpy's and matplotlib's savers.
_MODE = r"""(mode\s*=\s*)?['"](?=[rbt]*[wax+])[rwabxt+]{1,4}['"]"""
_WRITES = re.compile(r"\.write_(text|bytes)\(|\bopen\([^)\n]*,\s*" + _MODE + r"|\.open\(\s*" + _MODE
                     + r"|mkstemp\(|NamedTemporaryFile\(|\bos\.(replace|rename|link|symlink)\("
                     + r"|shutil\.(copy\w*|move)\(|\bO_(WRONLY|RDWR|CREAT)\b|\.(savefig|tofile)\(|\bnp\.save")
# What may look like a write elsewhere: pointing a failed standard output at /dev/null.
_NOT_FILE_WRITES = {"apps/cli/process.py": "os.open(os.devnull, os.O_WRONLY)"}


def _file_writes(text: str) -> list[str]:
    return [match.group(0) for match in _WRITES.finditer(text)]


def test_the_writer_scan_sees_every_way_of_writing():
    for line in ('Path(p).write_text("x")', 'open(path, "w")', "open(p, 'ab')", 'open(p, mode="x")',
                 'open(p, "r+")', 'p.open("wb")', "tempfile.mkstemp(dir=d)", "os.replace(a, b)",
                 "shutil.copyfile(a, b)", "os.open(p, os.O_WRONLY | os.O_CREAT)", "np.savez(p, a)", "fig.savefig(p)"):
        assert _file_writes(line), line
    for line in ('open(path, "rb")', 'open("/proc/self/status")', "open(p)", 'p.open("r")', "md.render(text)"):
        assert not _file_writes(line), line


def test_the_module_is_the_only_writer():
    """No module of the package but autograd/util/files.py writes a file itself (the project's
    one-writer rule): the whole package is scanned, every layer."""
    import autograd

    package = Path(autograd.__file__).parent
    writer = Path(files.__file__).resolve()
    scanned, offenders = set(), []
    for source in package.rglob("*.py"):
        name = source.relative_to(package).as_posix()
        scanned.add(name)
        if source.resolve() == writer:
            continue
        text = source.read_text(encoding="utf-8").replace(_NOT_FILE_WRITES.get(name, "\0"), "")
        offenders += [f"{name}: {found}" for found in _file_writes(text)]
    assert {"util/validate.py", "core/value.py", "apps/cli/process.py", "apps/course/report.py",
            "ml/nn.py", "viz/drawing.py", "apps/explore/server.py"} <= scanned
    assert offenders == []


# ---------------------------------------------------------------- every command's outputs

from autograd.apps.cli import main  # noqa: E402

GRAD = ["grad", "q = x + y; f = q * z", "--at", "x=-2", "y=5", "z=-4"]


def assert_one_error(code, out, err, words):
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert words in err


@pytest.mark.parametrize("command", [GRAD, ["walkthrough"]])
def test_a_bad_second_output_writes_not_even_the_first(command, tmp_path, run_cli):
    ok = tmp_path / "ok.svg"
    code, out, err = run_cli(*command, "--svg", str(ok), "--html", str(tmp_path))
    assert_one_error(code, out, err, f"cannot write {tmp_path}: it is a folder (--html)")
    assert not ok.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("flags, words", [
    (["--svg", "DIR"], "it is a folder (--svg)"),
    (["--svg", ""], "cannot write '': the path is empty (--svg)"),
    (["--html", ""], "the path is empty (--html)"),
    (["--svg", "X", "--html", "X"], "cannot write X: the same file is given twice (--svg and --html)"),
    (["--svg", "nodir/g.svg"], "the folder"),
    (["--svg", "/dev/null"], "not a regular file"),
])
def test_output_paths_are_checked_before_any_work(flags, words, tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "DIR").mkdir()
    code, out, err = run_cli(*GRAD, "--json", *flags)
    assert_one_error(code, out, err, words)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["DIR"]


def test_paths_are_checked_before_the_program_is_even_read(tmp_path, run_cli):
    code, out, err = run_cli("grad", "log(", "--at", "x=1", "--svg", str(tmp_path))
    assert_one_error(code, out, err, "it is a folder")  # not the program's syntax error


def test_a_full_disk_keeps_the_old_page_and_prints_nothing(tmp_path, run_cli, monkeypatch):
    page = tmp_path / "page.html"
    page.write_text("<html>the old page</html>")
    svg = tmp_path / "g.svg"

    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    code, out, err = run_cli(*GRAD, "--svg", str(svg), "--html", str(page))
    monkeypatch.undo()
    assert_one_error(code, out, err, "No space left on device")
    assert page.read_text() == "<html>the old page</html>"
    assert not svg.exists() and leftovers(tmp_path) == []


def test_outputs_are_written_once_each_and_reported(tmp_path, run_cli):
    svg, page = tmp_path / "g.svg", tmp_path / "g.html"
    code, out, err = run_cli(*GRAD, "--json", "--svg", str(svg), "--html", str(page))
    assert code == 0 and '"value": -12.0' in out
    assert err.splitlines() == [f"wrote {svg}", f"wrote {page}"]
    assert svg.read_text().lstrip().startswith("<?xml") and "<html" in page.read_text()
    assert leftovers(tmp_path) == []


def test_flags_with_unbounded_work_have_limits(run_cli):
    code, out, err = run_cli("walkthrough", "--steps", "100000")
    assert_one_error(code, out, err, "--steps: '100000' must be at least 1 and at most 2000")
    many = [f"x{i}=1" for i in range(6000)]
    code, out, err = run_cli("grad", "x0", "--at", *many)
    assert_one_error(code, out, err, "--at gives 6,000 values, at most 5,000")


def test_a_plain_kill_while_writing_leaves_the_old_file_and_no_temporary_file(tmp_path, capsys, monkeypatch):
    import signal

    page = tmp_path / "page.html"
    page.write_text("old")
    real_write = os.write

    def killed(fd, data):
        os.kill(os.getpid(), signal.SIGTERM)  # what `kill PID` sends; the handler runs right away
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", killed)
    code = main([*GRAD, "--html", str(page)])
    monkeypatch.undo()
    assert code == 130 and "interrupted" in capsys.readouterr().err
    assert page.read_text() == "old" and leftovers(tmp_path) == []
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # the handler is put back


# ---------------------------------------------------------------- the standard output

STDOUT_COMMANDS = [GRAD, ["walkthrough", "--steps", "2000"], ["check", "f = x", "--at", "x=1", "--claim", "f=1"],
                   ["key", "examples/problem-sets/cs231n.toml", "--student", "s1"]]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full, a device that is always full")
@pytest.mark.parametrize("command", STDOUT_COMMANDS[:2])
def test_a_full_standard_output_is_one_error_line(command):
    """`autograd ... > /dev/full` used to end in an OSError traceback (exit 1)."""
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "autograd", *command], stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=60, cwd=root)
    assert done.returncode == 2
    assert done.stderr == "error: cannot write the standard output: No space left on device\n"


@pytest.mark.parametrize("command", STDOUT_COMMANDS)
def test_a_closed_standard_output_is_one_error_line(command, capsys, monkeypatch):
    """`autograd ... >&-` (Python's sys.stdout is then None): no AttributeError traceback from
    `key`, and no silent exit 0 with the report dropped from the others."""
    import sys

    monkeypatch.chdir(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    monkeypatch.setattr(sys, "stdout", None)
    code = main(command)
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert code == 2 and err == "error: cannot write the standard output: the standard output is closed\n"


def test_an_output_that_is_an_input_is_refused_even_through_a_link(tmp_path):
    answers = tmp_path / "answers.csv"
    answers.write_text("id\n")
    (tmp_path / "link.csv").symlink_to(answers)
    for path in (answers, tmp_path / "link.csv"):
        with pytest.raises(OutputError, match=r": it is the answers file this command reads \(--csv\)"):
            plan_outputs([(path, "--csv")], inputs=[(answers, "answers file")])
    assert answers.read_text() == "id\n"
    assert plan_outputs([(tmp_path / "out.csv", "--csv")], inputs=[(answers, "answers file")]) == [tmp_path / "out.csv"]


def test_a_path_ending_in_a_slash_overwrites_nothing(tmp_path, run_cli):
    """`--svg notes/` wrote a file named notes, and `--svg old.txt/` replaced old.txt."""
    old = tmp_path / "old.txt"
    old.write_text("keep me")
    for path in (old, tmp_path / "notes"):
        code, out, err = run_cli(*GRAD, "--svg", f"{path}/")
        assert_one_error(code, out, err, f"cannot write {path}/: it names a folder (the path ends with /) (--svg)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.txt"] and old.read_text() == "keep me"


# ---------------------------------------------------------------- the one bounded reader


def _file(folder, data: bytes):
    path = folder / "input"
    path.write_bytes(data)
    return path


def test_read_text_reads_a_file_whole_within_its_limit(tmp_path):
    path = tmp_path / "set.toml"
    path.write_bytes("title = \"é\"\n".encode("utf-8"))
    assert reading.read_text(path, 100, "problem set") == "title = \"é\"\n"
    path.write_bytes(b"\xef\xbb\xbfid,q\n")
    assert reading.read_text(path, 100, "answers file", encoding="utf-8-sig") == "id,q\n"


@pytest.mark.parametrize("make, limit, what, reason", [
    (lambda d: d / "nope.csv", 10, "answers file", "cannot read the answers file: No such file or directory"),
    (lambda d: d, 10, "problem set", "cannot read the problem set: Is a directory"),
    (lambda d: _file(d, b"x" * 2049), 2048, "problem set", "larger than 2 KiB, the most a problem set may be"),
    (lambda d: _file(d, b"x" * 11), 10, "answers file", "larger than 10 bytes, the most an answers file may be"),
    (lambda d: _file(d, b"caf\xe9!"), 10, "problem set", "not UTF-8 text (invalid continuation byte at byte 3)"),
])
def test_read_text_says_why_in_one_style(tmp_path, make, limit, what, reason):
    path = make(tmp_path)
    with pytest.raises(reading.InputError) as caught:
        reading.read_text(path, limit, what)
    assert str(caught.value) == f"{path}: {reason}" and caught.value.reason == reason
    assert isinstance(caught.value, ValueError)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero, an endless file")
def test_read_text_never_reads_more_than_its_limit():
    with pytest.raises(reading.InputTooLarge, match="larger than 1 MiB, the most a saved model may be") as caught:
        reading.read_text("/dev/zero", 2**20, "saved model")
    assert isinstance(caught.value, reading.InputError)  # one kind of InputError, for a limit counted otherwise


def test_read_text_reads_a_stream_too():
    import io

    stream = io.BytesIO(b"x = 1" * 10)
    stream.name = "<stdin>"
    assert reading.read_text(io.BytesIO(b"f = x"), 5, "program") == "f = x"
    with pytest.raises(reading.InputError, match=r"\A<stdin>: larger than 20 bytes, the most a program may be\Z"):
        reading.read_text(stream, 20, "program")
    assert stream.tell() == 21  # read no further than the limit
