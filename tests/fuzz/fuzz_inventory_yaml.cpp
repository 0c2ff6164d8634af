// libFuzzer target for the native inventory file (engine/inventory/InventoryFile, YAML): any text
// must parse to an inventory or a clear error naming the file, never a crash or a hang. Oracle:
// what parsed serialises, the serialisation parses again, and serialising that gives the same
// bytes (a save/load cycle loses or invents nothing after the first save).
#include "engine/inventory/InventoryFile.h"
#include "tests/fuzz/FuzzSupport.h"

#include <cstdint>

using namespace hostdeck::engine;
using hostdeck::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char*>(data), qsizetype(size));
    QList<ImportIssue> issues;
    const Result<Inventory> parsed =
        InventoryFile::parse(text, QStringLiteral("fuzz.yml"), &issues);
    if (!parsed) {
        check(!parsed.error().message.isEmpty(), "fuzz_inventory_yaml",
              "an error without a message");
        return 0;
    }
    check(parsed->validate().ok(), "fuzz_inventory_yaml", "a parsed inventory does not validate");
    const Result<QByteArray> saved = InventoryFile::serialize(*parsed);
    check(saved.ok(), "fuzz_inventory_yaml", "a parsed inventory does not serialise");
    const Result<Inventory> again = InventoryFile::parse(*saved, QStringLiteral("saved.yml"));
    check(again.ok(), "fuzz_inventory_yaml", "a saved inventory does not parse");
    const auto before = hostdeck::fuzz::canonical(*parsed);
    const auto after = hostdeck::fuzz::canonical(*again);
    check(after.first == before.first, "fuzz_inventory_yaml", "hosts changed in a save/load");
    check(after.second == before.second, "fuzz_inventory_yaml", "groups changed in a save/load");
    const Result<QByteArray> savedAgain = InventoryFile::serialize(*again);
    check(savedAgain.ok() && *savedAgain == *saved, "fuzz_inventory_yaml",
          "a second save differs from the first");
    return 0;
}
