# SPDX-License-Identifier: GPL-2.0
"""One child of a benchmark, measured (imported by the bench-*.sh scripts)."""
import os, sys, time


def run(argv):
    """wall seconds, peak RSS (kB) and CPU seconds (user + sys, all its
    threads) of one child, its output discarded; exits when it fails"""
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1); os.dup2(fd, 2)
        os.execvp(argv[0], argv)
    t = time.monotonic()
    _, status, ru = os.wait4(pid, 0)
    wall = time.monotonic() - t
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("bench: %s failed" % " ".join(argv))
    return wall, ru.ru_maxrss, ru.ru_utime + ru.ru_stime
