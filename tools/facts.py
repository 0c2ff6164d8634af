"""Facts about the host: OS, kernel, hardware, network, software."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: hosts never import typing
    from typing import Optional

import json
import os
import platform
import shutil
import socket
import time

import _proc


def _read(path: str) -> Optional[str]:
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None


def _os_release() -> dict[str, str]:
    text = _read("/etc/os-release") or _read("/usr/lib/os-release") or ""
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key and not key.startswith("#"):
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            out[key.strip()] = value
    return out


def _meminfo() -> dict[str, int]:
    out = {}
    for line in (_read("/proc/meminfo") or "").splitlines():
        key, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            out[key] = int(parts[0]) * (1024 if parts[1:] == ["kB"] else 1)
    return out


def _addresses_ip() -> Optional[list[dict]]:
    if not shutil.which("ip"):
        return None
    done = _proc.run(["ip", "-j", "addr"], timeout=20)
    if done.rc != 0:
        return None
    try:
        links = json.loads(done.stdout or "[]")
    except ValueError:
        return None
    out = []
    for link in links:
        for info in link.get("addr_info", []):
            out.append({"interface": link.get("ifname"), "family": "ipv6" if info.get("family") == "inet6"
                        else "ipv4", "address": info.get("local"), "prefix": info.get("prefixlen")})
    return out


def _addresses_proc() -> list[dict]:
    out = []
    for line in (_read("/proc/net/if_inet6") or "").splitlines():
        parts = line.split()
        if len(parts) >= 6:
            raw = parts[0]
            address = ":".join(raw[i:i + 4] for i in range(0, 32, 4))
            packed = socket.inet_pton(socket.AF_INET6, address)
            out.append({"interface": parts[5], "family": "ipv6",
                        "address": socket.inet_ntop(socket.AF_INET6, packed), "prefix": int(parts[2], 16)})
    # /proc has no per-interface IPv4 list (fib_trie lacks interface names): ask the kernel.
    return _ipv4_from_ioctl() + out


def _ipv4_from_ioctl() -> list[dict]:
    """SIOCGIFADDR per interface (one IPv4 address each, prefix unknown)."""
    import fcntl
    import struct
    out = []
    for _, name in socket.if_nameindex():
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                packed = fcntl.ioctl(s.fileno(), 0x8915, struct.pack("256s", name.encode()[:15]))
        except OSError:
            continue
        out.append({"interface": name, "family": "ipv4", "address": socket.inet_ntoa(packed[20:24]),
                    "prefix": None})
    return out


def _disks() -> list[dict]:
    out = []
    seen = set()
    for line in (_read("/proc/mounts") or "").splitlines():
        parts = line.split()
        if len(parts) < 3 or not parts[0].startswith("/dev/") or parts[1] in seen:
            continue
        mount = parts[1].replace("\\040", " ")
        try:
            st = os.statvfs(mount)
        except OSError:
            continue
        seen.add(parts[1])
        out.append({"device": parts[0], "mount": mount, "fstype": parts[2],
                    "size": st.f_blocks * st.f_frsize, "free": st.f_bavail * st.f_frsize})
    return out


def _package_manager() -> Optional[str]:
    for name in ("apt-get", "dnf", "yum", "pacman", "zypper", "apk"):
        if shutil.which(name):
            return "apt" if name == "apt-get" else name
    return None


def _init_system() -> str:
    if os.path.isdir("/run/systemd/system"):
        return "systemd"
    comm = (_read("/proc/1/comm") or "").strip()
    if comm:
        return comm
    return "unknown"


class Facts:
    """Facts about the host (OS, kernel, CPUs, memory, disks, network, software)."""

    @staticmethod
    def all() -> dict:
        """Every fact in one dictionary."""
        return {"os": Facts.os(), "kernel": Facts.kernel(), "arch": Facts.arch(),
                "hostname": Facts.hostname(), "fqdn": Facts.fqdn(), "cpus": Facts.cpus(),
                "memory": Facts.memory(), "disks": Facts.disks(), "python": Facts.python(),
                "package_manager": Facts.package_manager(), "init_system": Facts.init_system(),
                "uptime": Facts.uptime(), "addresses": Facts.addresses()}

    @staticmethod
    def os() -> dict:
        """id, version, name and family (ID_LIKE) from /etc/os-release."""
        rel = _os_release()
        return {"id": rel.get("ID", "linux"), "version": rel.get("VERSION_ID", ""),
                "codename": rel.get("VERSION_CODENAME", ""), "name": rel.get("PRETTY_NAME", ""),
                "like": rel.get("ID_LIKE", "").split()}

    @staticmethod
    def kernel() -> dict:
        """Kernel name, release and version."""
        u = platform.uname()
        return {"name": u.system, "release": u.release, "version": u.version}

    @staticmethod
    def arch() -> str:
        """Machine architecture (uname -m)."""
        return platform.machine()

    @staticmethod
    def hostname() -> str:
        """The short host name."""
        return socket.gethostname().split(".")[0]

    @staticmethod
    def fqdn() -> str:
        """The fully qualified domain name (as the resolver knows it)."""
        return socket.getfqdn()

    @staticmethod
    def cpus() -> dict:
        """Logical CPU count, usable CPUs for this process, and the model name."""
        model = ""
        for line in (_read("/proc/cpuinfo") or "").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        return {"count": os.cpu_count(), "usable": usable, "model": model}

    @staticmethod
    def memory() -> dict:
        """Total, available and swap memory in bytes (/proc/meminfo)."""
        m = _meminfo()
        return {"total": m.get("MemTotal"), "available": m.get("MemAvailable"),
                "swap_total": m.get("SwapTotal"), "swap_free": m.get("SwapFree")}

    @staticmethod
    def disks() -> list[dict]:
        """Mounted block-device file systems with size and free bytes."""
        return _disks()

    @staticmethod
    def python() -> dict:
        """The agent's Python version and executable."""
        import sys
        return {"version": platform.python_version(), "executable": sys.executable,
                "implementation": platform.python_implementation()}

    @staticmethod
    def package_manager() -> Optional[str]:
        """apt, dnf, yum, pacman, zypper or apk (null when none is found)."""
        return _package_manager()

    @staticmethod
    def init_system() -> str:
        """systemd when it runs as init, else the name of PID 1 (or unknown)."""
        return _init_system()

    @staticmethod
    def uptime() -> Optional[float]:
        """Seconds since boot (/proc/uptime)."""
        text = _read("/proc/uptime")
        if text:
            return float(text.split()[0])
        try:
            return time.clock_gettime(time.CLOCK_BOOTTIME)
        except (AttributeError, OSError):
            return None

    @staticmethod
    def addresses() -> list[dict]:
        """IP addresses per interface (`ip -j addr` when present, else /proc/net and ioctl)."""
        found = _addresses_ip()
        return found if found is not None else _addresses_proc()
