// libFuzzer target for reading known_hosts (engine/ssh/KnownHosts): any file content, hashed names,
// markers, broken keys and overlong lines included, must give entries or none, never a crash or a
// hang. Oracles: every entry names a line that exists and has a SHA256 fingerprint; the result for
// a host does not depend on a comment line or a blank line being added in front (line numbers
// shift by one, nothing else changes).
#include "engine/ssh/KnownHosts.h"
#include "tests/fuzz/FuzzSupport.h"

#include <cstdint>

using namespace hostdeck::engine;
using hostdeck::fuzz::check;

namespace {

QList<KnownHostEntry> entries(const QString& file, const QString& host, quint16 port)
{
    return KnownHosts::entriesFor({file}, KnownHosts::hostPattern(host, port));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char*>(data), qsizetype(size));
    const QString file = hostdeck::fuzz::writeScratch(QStringLiteral("known_hosts"), text);
    const QString shifted =
        hostdeck::fuzz::writeScratch(QStringLiteral("known_hosts_shifted"), "# added\n" + text);
    const int lines = int(text.count('\n')) + 1;
    const struct
    {
        const char* host;
        quint16 port;
    } targets[] = {{"127.0.0.1", 22}, {"127.0.0.1", 2222}, {"web1", 22}, {"::1", 22}};
    for (const auto& target : targets) {
        const QString host = QString::fromLatin1(target.host);
        const QList<KnownHostEntry> found = entries(file, host, target.port);
        for (const KnownHostEntry& e : found) {
            check(e.line >= 1 && e.line <= lines, "fuzz_known_hosts", "an entry on no line");
            check(e.fingerprint.startsWith(QLatin1String("SHA256:")), "fuzz_known_hosts",
                  "an entry without a fingerprint");
        }
        const QList<KnownHostEntry> moved = entries(shifted, host, target.port);
        check(moved.size() == found.size(), "fuzz_known_hosts",
              "a comment line changed the result");
        for (qsizetype i = 0; i < found.size(); ++i)
            check(moved[i].line == found[i].line + 1 &&
                      moved[i].fingerprint == found[i].fingerprint,
                  "fuzz_known_hosts", "a comment line changed an entry");
    }
    return 0;
}
