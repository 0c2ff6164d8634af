// libFuzzer target for the Ansible INI importer (engine/inventory/AnsibleIniImporter): any text
// must import or fail with a clear error, never crash or hang. Oracle: an imported inventory is
// valid, and it can be saved as the native file and loaded back unchanged.
#include "engine/inventory/AnsibleIniImporter.h"
#include "engine/inventory/InventoryFile.h"
#include "tests/fuzz/FuzzSupport.h"

#include <cstdint>

using namespace hostdeck::engine;
using hostdeck::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char*>(data), qsizetype(size));
    const Result<ImportResult> imported = AnsibleIniImporter::parse(text, QStringLiteral("hosts"));
    if (!imported) {
        check(!imported.error().message.isEmpty(), "fuzz_inventory_ini",
              "an error without a message");
        return 0;
    }
    for (const ImportIssue& issue : imported->issues)
        check(issue.line >= 0 && !issue.problem.isEmpty(), "fuzz_inventory_ini", "an empty issue");
    const Inventory& inventory = imported->inventory;
    check(inventory.validate().ok(), "fuzz_inventory_ini",
          "an imported inventory does not validate");
    const Result<QByteArray> saved = InventoryFile::serialize(inventory);
    check(saved.ok(), "fuzz_inventory_ini", "an imported inventory does not serialise");
    const Result<Inventory> loaded = InventoryFile::parse(*saved, QStringLiteral("saved.yml"));
    check(loaded.ok(), "fuzz_inventory_ini", "a saved import does not load");
    check(hostdeck::fuzz::canonical(*loaded).first == hostdeck::fuzz::canonical(inventory).first,
          "fuzz_inventory_ini", "hosts changed in a save/load");
    return 0;
}
