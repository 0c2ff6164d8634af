#pragma once

#include "engine/inventory/ImportResult.h"
#include "engine/inventory/Inventory.h"
#include "engine/inventory/YamlDocument.h"

namespace hostdeck::engine {

/// Builds an Inventory from a YAML inventory document the way Ansible's `yaml` inventory plugin
/// does: top-level keys are groups; a group is a mapping (or empty) of `hosts`, `children` and
/// `vars`, each a mapping or a single name (`hosts: web1`); host keys may carry a port
/// (`"web1:2222"`, first mention wins) and ranges (`web[01:20]`, capped); keys that are none of
/// the three are kept verbatim (for saving back) and reported.
class YamlInventoryReader
{
public:
    YamlInventoryReader(const YamlDocument& document, QList<ImportIssue>* issues);
    Result<Inventory> read();
    /// Whether a host key `name` reads back as that one host (no `:PORT`, no range): what an
    /// importer may hand to the native file.
    static bool readsBackAs(const QString& name);
    /// An import whose host names the native file could not keep is refused, naming the host.
    static Status checkImported(const Inventory& inventory, const QString& source);

private:
    Status readGroup(const QString& name, const YamlNode* node, int line, int depth);
    Status readSection(const QString& group, const QString& section, const YamlNode* node);
    Status readHosts(const QString& group, const std::vector<YamlEntry>& entries);
    Status readVars(const QString& group, const std::vector<YamlEntry>& entries);
    /// A section given as a single name (`hosts: web1`) or a mapping; nullopt for empty.
    Result<std::vector<YamlEntry>> sectionEntries(const QString& group, const QString& section,
                                                  const YamlNode* node);
    void issue(int line, const QString& problem);
    Error error(int line, const QString& problem) const { return m_document.error(line, problem); }

    const YamlDocument& m_document;
    QList<ImportIssue>* m_issues;
    Inventory m_inventory;
    QHash<QString, int> m_edgeLines; ///< "parent\nchild" -> line of the child's key
};

} // namespace hostdeck::engine
