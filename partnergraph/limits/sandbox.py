"""What a query worker process does to itself before it runs untrusted queries.

* :func:`limit_memory`: ``RLIMIT_AS`` at what the worker holds after opening
  its store plus the per-query allowance, so a query that builds a huge string
  fails inside the worker (``MemoryError`` in rdflib, an abort in pyoxigraph)
  instead of exhausting the machine.
* :func:`deny_network`: a seccomp filter that makes ``socket(AF_INET…)`` and
  ``socket(AF_INET6…)`` fail with ``EACCES`` for the rest of the process's life,
  so that nothing a query does (``SERVICE`` in either engine, rdflib loading a
  ``FROM`` URL) can reach the network, whatever the checks before missed. Local
  pipes and Unix sockets, which the worker talks to its parent through, stay
  open.
* :func:`die_with_parent`: the kernel kills the worker if its parent dies.

Linux only; elsewhere (or on an architecture whose system call numbers are not
listed here) :func:`deny_network` and :func:`die_with_parent` return False and
the other layers of defence remain.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import resource
import signal
import socket
import struct
import sys
from pathlib import Path

from partnergraph.errors import QueryOutOfMemory

_PR_SET_PDEATHSIG = 1
_PR_SET_SECCOMP = 22
_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_MODE_FILTER = 2
_SECCOMP_RET_ALLOW = 0x7FFF0000
_SECCOMP_RET_ERRNO = 0x00050000
_BPF_LD_W_ABS = 0x20
_BPF_JEQ_K = 0x15
_BPF_RET_K = 0x06

#: (AUDIT_ARCH_*, __NR_socket) per machine.
_ARCHITECTURES = {
    "x86_64": (0xC000003E, 41),
    "aarch64": (0xC00000B7, 198),
}


class _SockFprog(ctypes.Structure):
    _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.c_void_p))


def _instruction(code: int, jump_true: int, jump_false: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jump_true, jump_false, k)


def _network_filter(audit_arch: int, socket_call: int) -> bytes:
    """A classic BPF program: ``socket(AF_INET | AF_INET6, …)`` fails, all else runs."""
    deny = _SECCOMP_RET_ERRNO | errno.EACCES
    return b"".join(
        (
            _instruction(_BPF_LD_W_ABS, 0, 0, 4),  # 0: arch
            _instruction(_BPF_JEQ_K, 1, 0, audit_arch),  # 1: ours? go to 3
            _instruction(_BPF_RET_K, 0, 0, _SECCOMP_RET_ALLOW),  # 2
            _instruction(_BPF_LD_W_ABS, 0, 0, 0),  # 3: system call number
            _instruction(_BPF_JEQ_K, 0, 3, socket_call),  # 4: socket()? else go to 8
            _instruction(_BPF_LD_W_ABS, 0, 0, 16),  # 5: first argument (domain)
            _instruction(_BPF_JEQ_K, 2, 0, socket.AF_INET),  # 6: go to 9
            _instruction(_BPF_JEQ_K, 1, 0, socket.AF_INET6),  # 7: go to 9
            _instruction(_BPF_RET_K, 0, 0, _SECCOMP_RET_ALLOW),  # 8
            _instruction(_BPF_RET_K, 0, 0, deny),  # 9
        )
    )


def deny_network() -> bool:
    """Forbid the calling thread, and the threads it starts later, to open internet
    sockets, for good.

    A seccomp filter installed without ``SECCOMP_FILTER_FLAG_TSYNC`` binds the
    thread that installs it and its future children, not threads already running:
    the worker calls this on the thread that runs its queries, before the first
    query (tested inside the worker processes, tests/test_sandbox_workers.py).

    Returns:
        True when the filter is installed; False where seccomp is not available.
    """
    machine = _ARCHITECTURES.get(platform.machine())
    if not sys.platform.startswith("linux") or machine is None:
        return False
    program = _network_filter(*machine)
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    result = libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0)
    return bool(result == 0)


def die_with_parent() -> bool:
    """Ask the kernel to kill this process when its parent dies (Linux)."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return bool(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)


def address_space() -> int:
    """The bytes of address space this process holds now (``VmSize``)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text(encoding="ascii", errors="replace").splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def limit_memory(allowance_mb: int) -> int:
    """Cap this process's address space at what it holds now plus ``allowance_mb``.

    Args:
        allowance_mb: megabytes a query may add.

    Returns:
        The limit set, in bytes.
    """
    limit = address_space() + allowance_mb * 2**20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a query's memory is never dumped to disk
    return limit


def lift_memory_limit() -> None:
    """Raise the address-space cap of :func:`limit_memory` back to the hard limit
    (a process may always raise its soft limit up to it), to open another store."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def out_of_memory(allowance_mb: int) -> QueryOutOfMemory:
    """The error of a query stopped by the memory cap of :func:`limit_memory`."""
    return QueryOutOfMemory(
        f"the query needed more than {allowance_mb} MB of memory (the limit "
        "query_memory_mb: a value or result this large is not built) and was stopped"
    )
