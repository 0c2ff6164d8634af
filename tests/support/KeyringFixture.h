#pragma once

#include <QString>

#include <optional>

namespace hostdeck::test {

/// A private Secret Service per test process. `enter()` is called first thing in main(): in the
/// original process it re-executes the test binary under `dbus-run-session` with a
/// gnome-keyring-daemon of its own (XDG_DATA_HOME, XDG_RUNTIME_DIR, HOME in a fresh temp dir), and
/// the wrapper script kills the daemon and removes the temp dir when the test exits. In the
/// re-executed process it returns std::nullopt and the test runs. The mode comes from
/// HOSTDECK_KEYRING_MODE: `unlocked` (default), `locked` (the login collection is locked after
/// start, so access is refused) or `nobus` (the session bus address points at a dead socket).
class KeyringFixture
{
public:
    enum class Mode
    {
        Unlocked,
        Locked,
        NoBus
    };

    static std::optional<int> enter(int argc, char** argv);
    static Mode mode();
    static QString root(); ///< the temp dir holding the keyring, runtime dir and HOME
    /// Files under root() whose bytes contain `needle` (to prove a secret reached no file).
    static QStringList filesContaining(const QByteArray& needle);
};

} // namespace hostdeck::test

/// main() for a Qt Test class that needs the keychain.
#define HOSTDECK_KEYRING_TEST_MAIN(TestClass)                                                      \
    int main(int argc, char** argv)                                                                \
    {                                                                                              \
        if (const std::optional<int> rc = hostdeck::test::KeyringFixture::enter(argc, argv))       \
            return *rc;                                                                            \
        QCoreApplication app(argc, argv);                                                          \
        TestClass test;                                                                            \
        return QTest::qExec(&test, argc, argv);                                                    \
    }
