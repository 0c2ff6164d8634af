#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace hostdeck::test {

/// Interpreter argv that runs tests/support/fake_agent.py in `mode` (see its docstring) with the
/// test python: `python3 fake_agent.py MODE MARKER`. The controller appends the loader arguments;
/// `marker` (e.g. newMarker()) lets the test find exactly its own processes.
QStringList fakeAgent(const QString& mode, const QByteArray& marker);
/// The same with the script's source on the command line (`python3 -c SOURCE MODE MARKER`), for
/// hosts that cannot read the source tree (the sshd fixture's login user).
QStringList fakeAgentInline(const QString& mode, const QByteArray& marker,
                            const QString& remotePython);
/// A word no other process has in its argv: "hostdeck-test-<uuid>".
QByteArray newMarker();

/// Every live (non-zombie) process whose argv contains `needle`.
QList<qint64> pidsWithArg(const QByteArray& needle);
/// Pids of the processes under `root` (children, grandchildren, ...), not `root` itself.
QList<qint64> descendantsOf(qint64 root);
/// The process's command name (/proc/PID/comm), empty when it is gone.
QByteArray commOf(qint64 pid);
/// SIGKILL every process listed (test clean-up).
void killAll(const QList<qint64>& pids);

/// Peak resident memory of this process (VmHWM) in KiB, and a reset of that peak to the current
/// size (Linux: /proc/self/clear_refs), so that each scenario of a test measures its own peak.
qint64 peakRssKib();
qint64 currentRssKib();
bool resetPeakRss();

} // namespace hostdeck::test
