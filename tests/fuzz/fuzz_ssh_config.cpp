// libFuzzer target for the ssh_config importer (engine/inventory/SshConfigImporter): any client
// configuration, Include lines (of itself, of missing files, of globs) included, must import or
// fail with a clear error, in bounded time. Oracle: the imported inventory is valid and survives a
// save/load as the native file.
#include "engine/inventory/InventoryFile.h"
#include "engine/inventory/SshConfigImporter.h"
#include "tests/fuzz/FuzzSupport.h"

#include <cstdint>

using namespace hostdeck::engine;
using hostdeck::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char*>(data), qsizetype(size));
    // A fixed name beside a second file, so `Include config` and `Include other*` find something.
    hostdeck::fuzz::writeScratch(QStringLiteral("other"), QByteArrayLiteral("Host o\n  Port 2\n"));
    const QString path = hostdeck::fuzz::writeScratch(QStringLiteral("config"), text);
    const Result<ImportResult> imported = SshConfigImporter::importFile(path);
    if (!imported) {
        check(!imported.error().message.isEmpty(), "fuzz_ssh_config", "an error without a message");
        return 0;
    }
    const Inventory& inventory = imported->inventory;
    check(inventory.validate().ok(), "fuzz_ssh_config", "an imported inventory does not validate");
    const Result<QByteArray> saved = InventoryFile::serialize(inventory);
    check(saved.ok(), "fuzz_ssh_config", "an imported inventory does not serialise");
    const Result<Inventory> loaded = InventoryFile::parse(*saved, QStringLiteral("saved.yml"));
    check(loaded.ok(), "fuzz_ssh_config", "a saved import does not load");
    check(hostdeck::fuzz::canonical(*loaded).first == hostdeck::fuzz::canonical(inventory).first,
          "fuzz_ssh_config", "hosts changed in a save/load");
    return 0;
}
