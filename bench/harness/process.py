"""Child processes that the harness starts, logs, talks to and always stops again.

Each child runs in its own session, so stopping it signals exactly the process group the
harness created (its PID) and nothing else on the machine.
"""

import collections
import os
import queue
import shlex
import signal
import subprocess
import threading
import time


class ProcessError(Exception):
    pass


class ManagedProcess:
    """A child whose stdout/stderr lines are copied to a log file and offered to a reader."""

    def __init__(self, name, argv, log_path, env=None, interactive=False):
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self.lines = queue.Queue()
        self.recent = collections.deque(maxlen=200)  # last lines, for error messages
        self._log = open(log_path, "a", buffering=1)
        self._log.write(f"$ {shlex.join(argv)}\n")
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE if interactive else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
            env=env, start_new_session=True)
        self._reader = threading.Thread(target=self._pump, daemon=True)
        self._reader.start()

    @property
    def command(self):
        return shlex.join(self.argv)

    def _pump(self):
        for line in self.proc.stdout:
            self._log.write(line)
            if line.strip():
                self.recent.append(line.strip())
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)  # end of output

    def running(self):
        return self.proc.poll() is None

    def send(self, text):
        """Writes a line to the child's stdin (held open, so an interactive child keeps going)."""
        if not self.running():
            raise ProcessError(f"{self.name} exited (status {self.proc.returncode}); see {self.log_path}")
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def wait_for_line(self, predicate, timeout, what):
        """Returns the first output line for which predicate(line) is true."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ProcessError(f"{self.name}: timed out after {timeout:.0f} s waiting for {what}; "
                                   f"see {self.log_path}")
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                self.proc.wait()
                last = f" ({self.last_error()!r})" if self.recent else ""
                raise ProcessError(f"{self.name} exited (status {self.proc.returncode}) while waiting "
                                   f"for {what}{last}; see {self.log_path}")
            if predicate(line):
                return line

    def last_error(self):
        """The most recent output line that reports an error, else the last line."""
        for line in reversed(self.recent):
            if "error" in line.lower() or "fail" in line.lower():
                return line
        return self.recent[-1] if self.recent else ""

    def stop(self, graceful_input=None, timeout=15):
        """Asks the child to quit (a command on stdin, else SIGTERM), then kills its group."""
        if self.running():
            try:
                if graceful_input is not None and self.proc.stdin:
                    self.send(graceful_input)
                else:
                    os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=timeout)
            except (ProcessError, BrokenPipeError, subprocess.TimeoutExpired, ProcessLookupError):
                pass
        if self.running():
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=timeout)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                pass
        if self.running():
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        if self.proc.stdin:
            try:
                self.proc.stdin.close()
            except BrokenPipeError:
                pass
        self._reader.join(timeout=5)
        self._log.close()


def run_command(argv, timeout=30, env=None, check=True):
    """Runs a short command; returns stdout. Raises ProcessError naming the command on failure."""
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        raise ProcessError(f"'{shlex.join(argv)}' timed out after {timeout} s") from None
    except OSError as e:
        raise ProcessError(f"cannot run '{argv[0]}': {e}") from None
    if check and out.returncode != 0:
        msg = (out.stderr or out.stdout).strip().splitlines()
        raise ProcessError(f"'{shlex.join(argv)}' exited {out.returncode}: "
                           f"{msg[-1] if msg else 'no output'}")
    return out.stdout
