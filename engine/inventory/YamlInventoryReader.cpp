#include "engine/inventory/YamlInventoryReader.h"

#include "engine/inventory/HostAddress.h"
#include "engine/inventory/HostRange.h"
#include "engine/inventory/InventoryFile.h"
#include "engine/inventory/InventoryLimits.h"

namespace hostdeck::engine {

namespace {

constexpr int maxGroupNesting = 2000;

bool isStringScalar(const YamlNode* node, const QVariant& value)
{
    return node->kind == YamlNode::Kind::Scalar && value.typeId() == QMetaType::QString;
}

} // namespace

YamlInventoryReader::YamlInventoryReader(const YamlDocument& document, QList<ImportIssue>* issues)
    : m_document(document), m_issues(issues)
{
}

void YamlInventoryReader::issue(int line, const QString& problem)
{
    if (m_issues)
        m_issues->append(ImportIssue{m_document.fileName(), line, problem});
}

Result<Inventory> YamlInventoryReader::read()
{
    const YamlNode* root = m_document.root();
    if (!root || root->isNull())
        return std::move(m_inventory);
    if (!root->isMapping())
        return error(root->line, QStringLiteral("the top level must be a mapping of groups"));
    const auto groups = m_document.mapping(root);
    if (!groups)
        return groups.error();
    for (const auto& [name, line, node] : *groups) {
        if (name == QLatin1String("plugin"))
            return error(root->line, QStringLiteral("this is an inventory plugin's configuration "
                                                    "(a 'plugin' key), not an inventory"));
    }
    for (const auto& [name, line, node] : *groups) {
        if (const Status read = readGroup(name, node, line, 0); !read)
            return read.error();
    }
    if (const auto cycle = m_inventory.findCycle())
        return error(m_edgeLines.value(cycle->first + QLatin1Char('\n') + cycle->second),
                     m_inventory.validate().error().message);
    return std::move(m_inventory);
}

Status YamlInventoryReader::readGroup(const QString& name, const YamlNode* node, int line,
                                      int depth)
{
    if (name.isEmpty())
        return error(line, QStringLiteral("an empty group name"));
    if (depth > maxGroupNesting)
        return error(node->line,
                     QStringLiteral("groups nested more than %1 deep").arg(maxGroupNesting));
    if (!node->isNull() && !node->isMapping()) {
        issue(node->line,
              QStringLiteral("'%1' skipped: not a valid group definition (a mapping)").arg(name));
        return Ok{};
    }
    if (!m_inventory.group(name) && m_inventory.groups().size() >= InventoryLimits::maxGroups)
        return error(
            node->line,
            QStringLiteral("more than %1 groups; refused").arg(InventoryLimits::maxGroups));
    m_inventory.ensureGroup(name);
    if (node->isNull())
        return Ok{};
    const auto entries = m_document.mapping(node);
    if (!entries)
        return entries.error();
    for (const auto& [key, keyLine, value] : *entries) {
        if (key == QLatin1String("hosts") || key == QLatin1String("vars")) {
            if (const Status read = readSection(name, key, value); !read)
                return read;
            continue;
        }
        if (key == QLatin1String("children")) {
            const auto children = sectionEntries(name, key, value);
            if (!children)
                return children.error();
            for (const auto& [child, childLine, childNode] : *children) {
                const int at = childLine;
                if (child == Inventory::allGroup() || child == name)
                    return error(
                        at,
                        QStringLiteral("group '%1' cannot be a child of '%2'").arg(child, name));
                if (const Status read = readGroup(child, childNode, at, depth + 1); !read)
                    return read;
                if (!m_inventory.hasGroup(child))
                    return error(at, QStringLiteral("%1 is not a known host nor group").arg(child));
                m_inventory.linkChild(name, child);
                m_edgeLines.insert(name + QLatin1Char('\n') + child, at);
            }
            continue;
        }
        const Result<QVariant> kept = m_document.value(value);
        if (!kept)
            return kept.error();
        m_inventory.group(name)->unknownKeys.insert(key, *kept);
        issue(value->line,
              QStringLiteral("group '%1': key '%2' is not hosts, children or vars; kept as is")
                  .arg(name, key));
    }
    return Ok{};
}

Result<std::vector<YamlEntry>> YamlInventoryReader::sectionEntries(const QString& group,
                                                                   const QString& section,
                                                                   const YamlNode* node)
{
    using Entries = std::vector<YamlEntry>;
    if (node->isNull())
        return Entries{};
    if (node->isMapping())
        return m_document.mapping(node);
    const Result<QVariant> value = m_document.value(node);
    if (!value)
        return value.error();
    if (isStringScalar(node, *value)) {
        static const YamlNode nothing;
        return Entries{YamlEntry{value->toString(), node->line, &nothing}};
    }
    return error(node->line,
                 QStringLiteral("invalid '%1' entry for group '%2': a mapping or a single name is "
                                "required")
                     .arg(section, group));
}

Status YamlInventoryReader::readSection(const QString& group, const QString& section,
                                        const YamlNode* node)
{
    const auto entries = sectionEntries(group, section, node);
    if (!entries)
        return entries.error();
    if (section == QLatin1String("hosts"))
        return readHosts(group, *entries);
    return readVars(group, *entries);
}

bool YamlInventoryReader::readsBackAs(const QString& name)
{
    QString host = name;
    if (const std::optional<HostAddress> address = HostAddress::parse(name, true)) {
        if (address->port >= 0)
            return false;
        host = address->host;
    }
    const Result<QStringList> names = HostRange::expand(host, 2);
    return names && names->size() == 1 && names->constFirst() == name;
}

Status YamlInventoryReader::checkImported(const Inventory& inventory, const QString& source)
{
    for (const Host& host : inventory.hosts()) {
        if (!readsBackAs(host.name()))
            return makeError(
                ErrorKind::InvalidArgument,
                QStringLiteral("%1: host '%2' cannot be kept in an inventory file: Ansible's YAML "
                               "reads that name as another host (a ':PORT' suffix or a range); "
                               "rename it and give the port as ansible_port")
                    .arg(source, host.name()));
    }
    return Ok{};
}

Status YamlInventoryReader::readHosts(const QString& group, const std::vector<YamlEntry>& entries)
{
    for (const auto& [pattern, keyLine, node] : entries) {
        QString name = pattern;
        int port = -1;
        if (const std::optional<HostAddress> address = HostAddress::parse(pattern, true)) {
            name = address->host;
            port = address->port;
        }
        QVariantMap vars;
        if (!node->isNull()) {
            const Result<QVariant> value = m_document.value(node);
            if (!value)
                return value.error();
            const int type = value->typeId();
            const bool falsy = (type == QMetaType::QString && value->toString().isEmpty()) ||
                               (type == QMetaType::Bool && !value->toBool()) ||
                               (type == QMetaType::Int && value->toInt() == 0) ||
                               (type == QMetaType::QVariantList && value->toList().isEmpty());
            if (type == QMetaType::QVariantMap)
                vars = value->toMap();
            else if (!falsy)
                return error(
                    node->line,
                    QStringLiteral("variables of host '%1' must be a mapping").arg(pattern));
        }
        const Result<QStringList> names =
            HostRange::expand(name, InventoryLimits::maxHostsPerPattern);
        if (!names)
            return error(keyLine, names.error().message);
        for (const QString& host : *names) {
            const bool known = m_inventory.hasHost(host);
            if (!known && m_inventory.hosts().size() >= InventoryLimits::maxHosts)
                return error(
                    keyLine,
                    QStringLiteral("more than %1 hosts; refused").arg(InventoryLimits::maxHosts));
            Host entry(host);
            if (!known && port >= 0) // the port of the first mention only, as Ansible
                entry.setVar(QStringLiteral("ansible_port"), port);
            for (auto it = vars.cbegin(); it != vars.cend(); ++it)
                entry.setVar(it.key(), it.value());
            m_inventory.addHost(entry, group);
        }
    }
    return Ok{};
}

Status YamlInventoryReader::readVars(const QString& group, const std::vector<YamlEntry>& entries)
{
    Group* g = m_inventory.group(group);
    for (const auto& [key, keyLine, node] : entries) {
        const Result<QVariant> value = m_document.value(node);
        if (!value)
            return value.error();
        if (group == Inventory::allGroup() && key == InventoryFile::idKey()) {
            m_inventory.setId(value->toString());
            continue;
        }
        if (key == QLatin1String("ansible_group_priority")) {
            bool ok = value->typeId() == QMetaType::Int || value->typeId() == QMetaType::Double ||
                      value->typeId() == QMetaType::Bool;
            if (!ok)
                value->toString().trimmed().toInt(&ok);
            if (!ok)
                return error(node->line,
                             QStringLiteral("ansible_group_priority of group '%1' must be an "
                                            "integer")
                                 .arg(group));
        }
        g->vars.insert(key, *value);
    }
    return Ok{};
}

} // namespace hostdeck::engine
