"""`python bench/peak.py FD CMD...`: run CMD, then write its peak RSS in KiB to file descriptor FD.

Linux hands a child the peak RSS of the process it was forked from: a command spawned straight
from a large pytest or bench process reports that process's peak, not its own. This small
interpreter is the one spawned; CMD, forked from it, starts from its few megabytes."""

import os
import sys

fd, cmd = int(sys.argv[1]), sys.argv[2:]
pid = os.fork()
if pid == 0:
    os.close(fd)
    os.execvp(cmd[0], cmd)
_, status, usage = os.wait4(pid, 0)
os.write(fd, str(usage.ru_maxrss).encode())
os.close(fd)
if os.WIFSIGNALED(status):
    os.kill(os.getpid(), os.WTERMSIG(status))
sys.exit(os.waitstatus_to_exitcode(status))
