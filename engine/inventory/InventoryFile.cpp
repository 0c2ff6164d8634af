#include "engine/inventory/InventoryFile.h"

#include "engine/inventory/AnsibleIniImporter.h"
#include "engine/inventory/InventoryLimits.h"
#include "engine/inventory/YamlConvert.h"
#include "engine/inventory/YamlDocument.h"
#include "engine/inventory/YamlInventoryReader.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QSet>

#include <yaml-cpp/yaml.h>

namespace hostdeck::engine {

namespace {

/// Deeper than this, a child group is written as a reference and defined at the top level, so a
/// long chain stays readable by YAML parsers that limit nesting (yaml-cpp, PyYAML's recursion).
constexpr int maxWrittenNesting = 16;

class Writer
{
public:
    explicit Writer(const Inventory& inventory) : m_inventory(inventory) {}

    QByteArray write()
    {
        YAML::Emitter out;
        out << YAML::BeginMap;
        writeGroup(out, Inventory::allGroup(), 0);
        // Groups nobody lists as a child are Ansible top-level groups (children of all); groups
        // too deep to nest are defined here too.
        for (qsizetype i = 0; i < m_inventory.groups().size() || !m_deferred.isEmpty(); ++i) {
            while (!m_deferred.isEmpty())
                writeGroup(out, m_deferred.takeFirst(), 0);
            if (i < m_inventory.groups().size() &&
                !m_written.contains(m_inventory.groups().at(i).name))
                writeGroup(out, m_inventory.groups().at(i).name, 0);
        }
        out << YAML::EndMap;
        QByteArray text(out.c_str(), qsizetype(out.size()));
        text.append('\n');
        return text;
    }

private:
    void writeGroup(YAML::Emitter& out, const QString& name, int level)
    {
        detail::emitKey(out, name);
        out << YAML::Value;
        if (m_written.contains(name)) {
            out << YAML::Null;
            return;
        }
        if (level > maxWrittenNesting) {
            out << YAML::Null;
            if (!m_deferredSet.contains(name)) {
                m_deferredSet.insert(name);
                m_deferred.append(name);
            }
            return;
        }
        m_written.insert(name);
        const Group* g = m_inventory.group(name);
        QVariantMap vars = g ? g->vars : QVariantMap();
        if (name == Inventory::allGroup() && !m_inventory.id().isEmpty())
            vars.insert(InventoryFile::idKey(), m_inventory.id());
        if (!g || (g->hosts.isEmpty() && g->children.isEmpty() && vars.isEmpty() &&
                   g->unknownKeys.isEmpty())) {
            out << YAML::Null;
            return;
        }
        out << YAML::BeginMap;
        if (!g->hosts.isEmpty()) {
            out << YAML::Key << "hosts" << YAML::Value << YAML::BeginMap;
            for (const QString& hostName : g->hosts)
                writeHost(out, hostName);
            out << YAML::EndMap;
        }
        if (!g->children.isEmpty()) {
            out << YAML::Key << "children" << YAML::Value << YAML::BeginMap;
            for (const QString& child : g->children)
                writeGroup(out, child, level + 1);
            out << YAML::EndMap;
        }
        if (!vars.isEmpty()) {
            out << YAML::Key << "vars" << YAML::Value;
            detail::emitVariant(out, vars);
        }
        for (auto it = g->unknownKeys.cbegin(); it != g->unknownKeys.cend(); ++it) {
            detail::emitKey(out, it.key());
            out << YAML::Value;
            detail::emitVariant(out, it.value());
        }
        out << YAML::EndMap;
    }

    void writeHost(YAML::Emitter& out, const QString& hostName)
    {
        detail::emitKey(out, hostName);
        out << YAML::Value;
        const Host* h = m_inventory.host(hostName);
        // Variables go with the first mention only; later mentions are bare names.
        if (!h || h->vars().isEmpty() || m_hostsWritten.contains(hostName))
            out << YAML::Null;
        else
            detail::emitVariant(out, h->vars());
        m_hostsWritten.insert(hostName);
    }

    const Inventory& m_inventory;
    QSet<QString> m_written;
    QSet<QString> m_hostsWritten;
    QStringList m_deferred;
    QSet<QString> m_deferredSet;
};

bool looksLikeYamlMapping(const QByteArray& text, const QString& path)
{
    const Result<YamlDocument> document = YamlDocument::parse(text, path);
    return document && document->root() && document->root()->isMapping();
}

} // namespace

Result<Inventory> InventoryFile::parse(const QByteArray& text, const QString& fileName,
                                       QList<ImportIssue>* issues)
{
    const Result<YamlDocument> document = YamlDocument::parse(text, fileName);
    if (!document)
        return document.error();
    YamlInventoryReader reader(*document, issues);
    return reader.read();
}

Result<QByteArray> InventoryFile::serialize(const Inventory& inventory)
{
    try {
        Writer writer(inventory);
        return writer.write();
    } catch (const std::exception& e) {
        return makeError(
            ErrorKind::Io,
            QStringLiteral("cannot write the inventory: %1").arg(QString::fromLocal8Bit(e.what())));
    }
}

Result<QByteArray> InventoryFile::readLimited(const QString& path)
{
    QFile file(path);
    if (!file.exists())
        return makeError(ErrorKind::NotFound,
                         QStringLiteral("%1: no such inventory file").arg(path));
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorKind::Io,
                         QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    QByteArray text = file.read(InventoryLimits::maxFileBytes + 1);
    if (text.size() > InventoryLimits::maxFileBytes)
        return makeError(ErrorKind::Usage, QStringLiteral("%1: larger than %2 bytes; refused")
                                               .arg(path)
                                               .arg(InventoryLimits::maxFileBytes));
    return text;
}

Result<Inventory> InventoryFile::load(const QString& path)
{
    const Result<QByteArray> text = readLimited(path);
    if (!text)
        return text.error();
    return parse(*text, path);
}

Result<Inventory> InventoryFile::loadAny(const QString& path, QList<ImportIssue>* issues)
{
    const Result<QByteArray> text = readLimited(path);
    if (!text)
        return text.error();
    const QString suffix = QFileInfo(path).suffix().toLower();
    const bool yaml = suffix == QLatin1String("yml") || suffix == QLatin1String("yaml") ||
                      suffix == QLatin1String("json");
    const bool ini = suffix == QLatin1String("ini") || suffix == QLatin1String("cfg");
    if (yaml || (!ini && looksLikeYamlMapping(*text, path)))
        return parse(*text, path, issues);
    Result<ImportResult> imported = AnsibleIniImporter::parse(*text, path);
    if (!imported)
        return imported.error();
    if (issues)
        issues->append(imported->issues);
    return std::move(imported->inventory);
}

Status InventoryFile::save(const Inventory& inventory, const QString& path)
{
    const Result<QByteArray> text = serialize(inventory);
    if (!text)
        return text.error();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(ErrorKind::Io,
                         QStringLiteral("%1: cannot write: %2").arg(path, file.errorString()));
    if (file.write(*text) != text->size()) {
        file.cancelWriting();
        return makeError(ErrorKind::Io,
                         QStringLiteral("%1: cannot write: %2").arg(path, file.errorString()));
    }
    if (!file.commit())
        return makeError(ErrorKind::Io,
                         QStringLiteral("%1: cannot save: %2").arg(path, file.errorString()));
    return Ok{};
}

} // namespace hostdeck::engine
