#pragma once

#include <QtGlobal>

namespace hostdeck::engine {

/// Bounds on what one inventory may make Hostdeck do, so that a hostile or broken file fails fast
/// with an error naming where, instead of exhausting memory or time (the CLI and the GUI read
/// inventories through the same code). Documented in the README, "Inventories".
struct InventoryLimits
{
    static constexpr qint64 maxFileBytes = 16 * 1024 * 1024; ///< an inventory file
    static constexpr qsizetype maxHostsPerPattern = 10'000;  ///< names one range expands to
    static constexpr qsizetype maxHosts = 100'000;           ///< hosts in one inventory
    static constexpr qsizetype maxGroups = 100'000;          ///< groups in one inventory
    static constexpr qsizetype maxYamlNodes = 1'000'000;     ///< nodes of a YAML document
    /// Values a YAML document may expand to through aliases: base + perNode * its nodes.
    static constexpr qsizetype yamlExpansionBase = 100'000;
    static constexpr qsizetype yamlExpansionPerNode = 10;
    static constexpr int maxLiteralDepth = 100; ///< nesting of an INI value like [[[...]]]
};

} // namespace hostdeck::engine
