#include "tests/support/KeyringFixture.h"

#include <QByteArray>
#include <QDir>
#include <QDirIterator>
#include <QFile>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace hostdeck::test {

namespace {

constexpr const char* markerVariable = "HOSTDECK_KEYRING_FIXTURE";

// $0 is the test binary, "$@" its arguments. The daemon runs in the foreground (in the
// background of this shell) so its pid is known and it is killed when the test ends.
const char* daemonScript = R"sh(
root="$HOSTDECK_KEYRING_FIXTURE"
printf %s hostdeck-fixture-keyring | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
kpid=$!
i=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true; do
  i=$((i+1))
  if [ $i -gt 200 ]; then
    echo "keyring fixture: the Secret Service did not start" >&2
    kill $kpid 2>/dev/null; wait $kpid 2>/dev/null; rm -rf "$root"; exit 1
  fi
  sleep 0.05
done
if [ "$HOSTDECK_KEYRING_MODE" = locked ]; then
  dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
    org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null
fi
"$0" "$@"
rc=$?
kill $kpid 2>/dev/null
wait $kpid 2>/dev/null
rm -rf "$root"
exit $rc
)sh";

const char* noBusScript = R"sh(
"$0" "$@"
rc=$?
rm -rf "$HOSTDECK_KEYRING_FIXTURE"
exit $rc
)sh";

bool makeDir(const std::string& path, mode_t mode)
{
    return ::mkdir(path.c_str(), mode) == 0 || errno == EEXIST;
}

std::string selfExecutable(const char* argv0)
{
    char buffer[4096];
    const ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
    if (n <= 0)
        return argv0;
    buffer[n] = '\0';
    return buffer;
}

} // namespace

KeyringFixture::Mode KeyringFixture::mode()
{
    const QByteArray mode = qgetenv("HOSTDECK_KEYRING_MODE");
    if (mode == "locked")
        return Mode::Locked;
    if (mode == "nobus")
        return Mode::NoBus;
    return Mode::Unlocked;
}

QString KeyringFixture::root()
{
    return qEnvironmentVariable(markerVariable);
}

std::optional<int> KeyringFixture::enter(int argc, char** argv)
{
    if (qEnvironmentVariableIsSet(markerVariable))
        return std::nullopt;

    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/hostdeck-keyring-XXXXXX";
    std::vector<char> buffer(templ.begin(), templ.end());
    buffer.push_back('\0');
    if (!::mkdtemp(buffer.data())) {
        std::perror("keyring fixture: mkdtemp");
        return 1;
    }
    const std::string root = buffer.data();
    const std::string runtime = root + "/runtime";
    const std::string home = root + "/home";
    if (!makeDir(root + "/data", 0700) || !makeDir(runtime, 0700) || !makeDir(home, 0700) ||
        !makeDir(root + "/config", 0700) || !makeDir(root + "/cache", 0700)) {
        std::perror("keyring fixture: mkdir");
        return 1;
    }
    ::setenv(markerVariable, root.c_str(), 1);
    ::setenv("XDG_DATA_HOME", (root + "/data").c_str(), 1);
    ::setenv("XDG_CONFIG_HOME", (root + "/config").c_str(), 1);
    ::setenv("XDG_CACHE_HOME", (root + "/cache").c_str(), 1);
    ::setenv("XDG_RUNTIME_DIR", runtime.c_str(), 1);
    ::setenv("HOME", home.c_str(), 1);
    ::unsetenv("DISPLAY"); // no X11 autolaunch of a session bus that would outlive the test
    ::unsetenv("WAYLAND_DISPLAY");

    const std::string self = selfExecutable(argv[0]);
    std::vector<const char*> args;
    if (mode() == Mode::NoBus) {
        ::setenv("DBUS_SESSION_BUS_ADDRESS", ("unix:path=" + root + "/no-bus-here").c_str(), 1);
        args = {"sh", "-c", noBusScript, self.c_str()};
    } else {
        ::unsetenv("DBUS_SESSION_BUS_ADDRESS");
        args = {"dbus-run-session", "--", "sh", "-c", daemonScript, self.c_str()};
    }
    for (int i = 1; i < argc; ++i)
        args.push_back(argv[i]);
    args.push_back(nullptr);
    std::fflush(stdout);
    ::execvp(args.front(), const_cast<char* const*>(args.data()));
    std::perror("keyring fixture: exec");
    return 1;
}

QStringList KeyringFixture::filesContaining(const QByteArray& needle)
{
    QStringList hits;
    QDirIterator it(root(), QDir::Files | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(needle))
            hits.append(path);
    }
    return hits;
}

} // namespace hostdeck::test
