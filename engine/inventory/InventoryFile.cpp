#include "inventory/InventoryFile.h"

#include "inventory/HostRange.h"
#include "inventory/YamlConvert.h"

#include <QFile>
#include <QSaveFile>
#include <QSet>

#include <yaml-cpp/yaml.h>

namespace hostdeck::engine {

namespace {

/// Thrown only inside this file and caught in InventoryFile::parse.
struct ParseFailure
{
    int line;
    QString problem;
};

class Reader
{
public:
    Reader(QString fileName, QList<ImportIssue>* issues)
        : m_fileName(std::move(fileName)), m_issues(issues)
    {
    }

    Inventory read(const YAML::Node& root)
    {
        if (root.IsNull() || !root.IsDefined())
            return std::move(m_inventory);
        if (!root.IsMap())
            throw ParseFailure{detail::lineOf(root),
                               QStringLiteral("the top level must be a mapping of groups")};
        for (const auto& item : root)
            readGroup(key(item.first), item.second, QString(), detail::lineOf(item.first));
        const Status valid = m_inventory.validate();
        if (!valid)
            throw ParseFailure{0, valid.error().message};
        return std::move(m_inventory);
    }

private:
    static QString key(const YAML::Node& node)
    {
        if (!node.IsScalar())
            throw ParseFailure{detail::lineOf(node), QStringLiteral("a key must be a plain name")};
        return QString::fromStdString(node.Scalar());
    }

    void issue(const YAML::Node& node, const QString& problem)
    {
        if (m_issues)
            m_issues->append(ImportIssue{m_fileName, detail::lineOf(node), problem});
    }

    void readGroup(const QString& name, const YAML::Node& node, const QString& parent, int line)
    {
        if (name.isEmpty())
            throw ParseFailure{line, QStringLiteral("empty group name")};
        m_inventory.ensureGroup(name);
        if (!parent.isEmpty()) {
            const Status added = m_inventory.addChild(parent, name);
            if (!added)
                throw ParseFailure{line, added.error().message};
        }
        if (node.IsNull() || !node.IsDefined())
            return;
        if (!node.IsMap())
            throw ParseFailure{
                detail::lineOf(node),
                QStringLiteral("group '%1' must be a mapping with hosts, children or vars")
                    .arg(name)};
        for (const auto& item : node) {
            const QString section = key(item.first);
            const YAML::Node& value = item.second;
            if (section == QLatin1String("hosts"))
                readHosts(name, value);
            else if (section == QLatin1String("children"))
                readChildren(name, value);
            else if (section == QLatin1String("vars"))
                readVars(name, value);
            else {
                m_inventory.group(name)->unknownKeys.insert(section, detail::toVariant(value));
                issue(item.first,
                      QStringLiteral(
                          "group '%1': key '%2' is not hosts, children or vars; kept as is")
                          .arg(name, section));
            }
        }
    }

    void readHosts(const QString& groupName, const YAML::Node& node)
    {
        if (node.IsNull())
            return;
        if (!node.IsMap())
            throw ParseFailure{
                detail::lineOf(node),
                QStringLiteral("'hosts' of group '%1' must be a mapping").arg(groupName)};
        for (const auto& item : node) {
            const QString pattern = key(item.first);
            const YAML::Node& value = item.second;
            if (!value.IsNull() && !value.IsMap())
                throw ParseFailure{
                    detail::lineOf(value),
                    QStringLiteral("variables of host '%1' must be a mapping").arg(pattern)};
            const Result<QStringList> names = HostRange::expand(pattern);
            if (!names)
                throw ParseFailure{detail::lineOf(item.first), names.error().message};
            const QVariantMap vars = detail::toVariant(value).toMap();
            for (const QString& name : *names)
                m_inventory.addHost(Host(name, vars), groupName);
        }
    }

    void readChildren(const QString& groupName, const YAML::Node& node)
    {
        if (node.IsNull())
            return;
        if (!node.IsMap())
            throw ParseFailure{
                detail::lineOf(node),
                QStringLiteral("'children' of group '%1' must be a mapping").arg(groupName)};
        for (const auto& item : node)
            readGroup(key(item.first), item.second, groupName, detail::lineOf(item.first));
    }

    void readVars(const QString& groupName, const YAML::Node& node)
    {
        if (node.IsNull())
            return;
        if (!node.IsMap())
            throw ParseFailure{
                detail::lineOf(node),
                QStringLiteral("'vars' of group '%1' must be a mapping").arg(groupName)};
        QVariantMap vars = detail::toVariant(node).toMap();
        if (groupName == Inventory::allGroup() && vars.contains(InventoryFile::idKey()))
            m_inventory.setId(vars.take(InventoryFile::idKey()).toString());
        Group* g = m_inventory.group(groupName);
        for (auto it = vars.cbegin(); it != vars.cend(); ++it)
            g->vars.insert(it.key(), it.value());
    }

    QString m_fileName;
    QList<ImportIssue>* m_issues;
    Inventory m_inventory;
};

class Writer
{
public:
    explicit Writer(const Inventory& inventory) : m_inventory(inventory) {}

    QByteArray write()
    {
        YAML::Emitter out;
        out << YAML::BeginMap;
        writeGroup(out, Inventory::allGroup());
        // Groups nobody lists as a child are Ansible top-level groups (children of all).
        for (const Group& g : m_inventory.groups()) {
            if (!m_written.contains(g.name))
                writeGroup(out, g.name);
        }
        out << YAML::EndMap;
        QByteArray text(out.c_str(), qsizetype(out.size()));
        text.append('\n');
        return text;
    }

private:
    void writeGroup(YAML::Emitter& out, const QString& name)
    {
        detail::emitKey(out, name);
        out << YAML::Value;
        if (m_written.contains(name)) {
            out << YAML::Null;
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
                writeGroup(out, child);
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
};

} // namespace

Result<Inventory> InventoryFile::parse(const QByteArray& text, const QString& fileName,
                                       QList<ImportIssue>* issues)
{
    try {
        const YAML::Node root = YAML::Load(text.toStdString());
        Reader reader(fileName, issues);
        return reader.read(root);
    } catch (const ParseFailure& failure) {
        return makeError(
            ErrorKind::Usage,
            QStringLiteral("%1:%2: %3").arg(fileName).arg(failure.line).arg(failure.problem));
    } catch (const YAML::Exception& e) {
        const int line = e.mark.is_null() ? 0 : e.mark.line + 1;
        return makeError(
            ErrorKind::Usage,
            QStringLiteral("%1:%2: %3").arg(fileName).arg(line).arg(QString::fromStdString(e.msg)));
    } catch (const std::exception& e) {
        return makeError(ErrorKind::Usage,
                         QStringLiteral("%1: %2").arg(fileName, QString::fromLocal8Bit(e.what())));
    }
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

Result<Inventory> InventoryFile::load(const QString& path)
{
    QFile file(path);
    if (!file.exists())
        return makeError(ErrorKind::NotFound,
                         QStringLiteral("%1: no such inventory file").arg(path));
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorKind::Io,
                         QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    return parse(file.readAll(), path);
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
