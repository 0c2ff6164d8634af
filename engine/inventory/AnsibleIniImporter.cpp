#include "engine/inventory/AnsibleIniImporter.h"

#include "engine/inventory/YamlInventoryReader.h"

#include "engine/inventory/HostAddress.h"
#include "engine/inventory/HostRange.h"
#include "engine/inventory/InventoryLimits.h"
#include "engine/inventory/PythonLiteral.h"

#include <QFile>
#include <QHash>
#include <QRegularExpression>

namespace hostdeck::engine {

namespace {

enum class Section
{
    Hosts,
    Children,
    Vars
};

/// Python's shlex.split(line, comments=True), which Ansible uses for host lines (POSIX mode:
/// backslash escapes outside quotes and before " \ $ ` newline inside double quotes).
Result<QStringList> shellSplit(const QString& line)
{
    QStringList words;
    QString current;
    bool inWord = false;
    QChar quote;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (!quote.isNull()) {
            if (c == quote) {
                quote = QChar();
            } else if (c == QLatin1Char('\\') && quote == QLatin1Char('"') && i + 1 < line.size() &&
                       QStringLiteral("\"\\$`\n").contains(line.at(i + 1))) {
                current += line.at(++i);
            } else {
                current += c;
            }
        } else if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
            quote = c;
            inWord = true;
        } else if (c == QLatin1Char('\\')) {
            if (i + 1 >= line.size())
                return makeError(ErrorKind::Usage, QStringLiteral("No escaped character"));
            current += line.at(++i);
            inWord = true;
        } else if (c.isSpace()) {
            if (inWord)
                words.append(current);
            current.clear();
            inWord = false;
        } else if (c == QLatin1Char('#') && !inWord) {
            break;
        } else {
            current += c;
            inWord = true;
        }
    }
    if (!quote.isNull())
        return makeError(ErrorKind::Usage, QStringLiteral("No closing quotation"));
    if (inWord)
        words.append(current);
    return words;
}

class IniReader
{
public:
    explicit IniReader(QString fileName) : m_fileName(std::move(fileName))
    {
        m_result.inventory.ensureGroup(Inventory::ungroupedGroup());
    }

    Result<ImportResult> read(const QString& text)
    {
        static const QRegularExpression sectionRe(
            QStringLiteral(R"(^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$)"),
            QRegularExpression::UseUnicodePropertiesOption);
        const QStringList lines = text.split(QRegularExpression(QStringLiteral("\r\n|\r|\n")));
        for (int i = 0; i < lines.size(); ++i) {
            m_line = i + 1;
            const QString line = lines.at(i).trimmed();
            if (line.isEmpty() || line.startsWith(QLatin1Char('#')) ||
                line.startsWith(QLatin1Char(';')))
                continue;
            const QRegularExpressionMatch m = sectionRe.match(line);
            if (m.hasMatch()) {
                if (const Status started = startSection(m.captured(1), m.captured(2)); !started)
                    return started.error();
                continue;
            }
            if (line.startsWith(QLatin1Char('[')) && line.endsWith(QLatin1Char(']')))
                return failure(QStringLiteral("invalid section entry '%1': no spaces or other "
                                              "invalid characters are allowed in a section name")
                                   .arg(line));
            if (const Status handled = handleLine(line); !handled)
                return handled.error();
        }
        for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
            m_line = it->line;
            if (it->vars)
                return failure(QStringLiteral("section [%1:vars] is not valid for undefined group "
                                              "'%1'")
                                   .arg(it.key()));
            return failure(QStringLiteral("section [%1:children] includes undefined group '%2'")
                               .arg(it->parents.last(), it.key()));
        }
        if (const auto cycle = m_result.inventory.findCycle()) {
            m_line = m_edgeLines.value(cycle->first + QLatin1Char('\n') + cycle->second);
            return failure(m_result.inventory.validate().error().message);
        }
        return std::move(m_result);
    }

private:
    /// A group named before it is defined: as a child (parents wait for it) or by [g:vars].
    struct Pending
    {
        int line = 0;
        bool vars = false;
        QStringList parents;
    };

    Error failure(const QString& problem) const
    {
        return makeError(ErrorKind::Usage,
                         QStringLiteral("%1:%2: %3").arg(m_fileName).arg(m_line).arg(problem));
    }

    Status startSection(const QString& group, const QString& kind)
    {
        m_group = group;
        if (kind.isEmpty() || kind == QLatin1String("hosts"))
            m_section = Section::Hosts;
        else if (kind == QLatin1String("children"))
            m_section = Section::Children;
        else if (kind == QLatin1String("vars"))
            m_section = Section::Vars;
        else
            return failure(
                QStringLiteral("section [%1:%2] has an unknown type '%2'").arg(group, kind));
        Inventory& inv = m_result.inventory;
        if (!inv.hasGroup(group) || !inv.group(group)) {
            if (m_section == Section::Vars && !m_pending.contains(group))
                m_pending.insert(group, Pending{m_line, true, {}});
            if (const Status room = groupRoom(); !room)
                return room;
            inv.ensureGroup(group);
        }
        if (m_section != Section::Vars && m_pending.contains(group)) {
            if (m_pending.value(group).vars)
                m_pending.remove(group);
            else
                addPendingChildren(group);
        }
        return Ok{};
    }

    void addPendingChildren(const QString& group)
    {
        const QStringList parents = m_pending.take(group).parents;
        for (const QString& parent : parents) {
            m_result.inventory.linkChild(parent, group);
            if (m_pending.contains(parent) && !m_pending.value(parent).vars)
                addPendingChildren(parent);
        }
    }

    Status groupRoom() const
    {
        if (m_result.inventory.groups().size() >= InventoryLimits::maxGroups)
            return failure(
                QStringLiteral("more than %1 groups; refused").arg(InventoryLimits::maxGroups));
        return Ok{};
    }

    Status handleLine(const QString& text)
    {
        switch (m_section) {
        case Section::Vars: {
            const qsizetype eq = text.indexOf(QLatin1Char('='));
            if (eq < 0)
                return failure(QStringLiteral("expected key=value, got '%1'").arg(text));
            const QString key = text.left(eq).trimmed();
            const QVariant value = PythonLiteral::valueOf(text.mid(eq + 1).trimmed());
            if (key == QLatin1String("ansible_group_priority") && !isInteger(value))
                return failure(QStringLiteral("ansible_group_priority must be an integer, got '%1'")
                                   .arg(text.mid(eq + 1).trimmed()));
            m_result.inventory.group(m_group)->vars.insert(key, value);
            return Ok{};
        }
        case Section::Children: {
            static const QRegularExpression nameRe(QStringLiteral(R"(^([^:\]\s]+)\s*(?:#.*)?$)"));
            const QRegularExpressionMatch m = nameRe.match(text);
            if (!m.hasMatch())
                return failure(QStringLiteral("expected a group name, got '%1'").arg(text));
            const QString child = m.captured(1);
            if (child == m_group)
                return failure(QStringLiteral("group '%1' cannot be its own child").arg(child));
            m_edgeLines.insert(m_group + QLatin1Char('\n') + child, m_line);
            if (m_result.inventory.group(child)) {
                m_result.inventory.linkChild(m_group, child);
            } else if (m_pending.contains(child)) {
                m_pending[child].parents.append(m_group);
            } else {
                m_pending.insert(child, Pending{m_line, false, {m_group}});
            }
            return Ok{};
        }
        case Section::Hosts:
            return hostLine(text);
        }
        return Ok{};
    }

    static bool isInteger(const QVariant& value)
    {
        const int t = value.typeId();
        if (t == QMetaType::Int || t == QMetaType::LongLong || t == QMetaType::Double ||
            t == QMetaType::Bool)
            return true;
        bool ok = false;
        value.toString().trimmed().toInt(&ok);
        return ok;
    }

    Status hostLine(const QString& text)
    {
        const Result<QStringList> words = shellSplit(text);
        if (!words)
            return failure(
                QStringLiteral("cannot read host line '%1': %2").arg(text, words.error().message));
        if (words->isEmpty())
            return Ok{};
        const QString pattern = words->first();
        QString name = pattern;
        int port = -1;
        if (const std::optional<HostAddress> address = HostAddress::parse(pattern, true)) {
            name = address->host;
            port = address->port;
        }
        if (pattern.trimmed().endsWith(QLatin1Char(':')) && port < 0)
            return failure(QStringLiteral("invalid host pattern '%1': a trailing ':' is reserved "
                                          "for a port")
                               .arg(pattern));
        QVariantMap vars;
        for (const QString& word : words->mid(1)) {
            const qsizetype eq = word.indexOf(QLatin1Char('='));
            if (eq < 0)
                return failure(
                    QStringLiteral("expected key=value host variable, got '%1'").arg(word));
            vars.insert(word.left(eq), PythonLiteral::valueOf(word.mid(eq + 1)));
        }
        const Result<QStringList> names =
            HostRange::expand(name, InventoryLimits::maxHostsPerPattern);
        if (!names)
            return failure(names.error().message);
        Inventory& inv = m_result.inventory;
        for (const QString& host : *names) {
            if (host.trimmed() == QLatin1String("---"))
                return failure(QStringLiteral("invalid host pattern '%1': '---' is normally a "
                                              "sign this is a YAML file")
                                   .arg(pattern));
            if (!inv.hasHost(host) && inv.hosts().size() >= InventoryLimits::maxHosts)
                return failure(
                    QStringLiteral("more than %1 hosts; refused").arg(InventoryLimits::maxHosts));
            Host entry(host);
            if (!inv.hasHost(host) && port >= 0) // the port of the first mention only
                entry.setVar(QStringLiteral("ansible_port"), port);
            for (auto it = vars.cbegin(); it != vars.cend(); ++it)
                entry.setVar(it.key(), it.value());
            inv.addHost(entry, m_group);
        }
        return Ok{};
    }

    QString m_fileName;
    ImportResult m_result;
    QString m_group = Inventory::ungroupedGroup();
    Section m_section = Section::Hosts;
    QHash<QString, Pending> m_pending;
    QHash<QString, int> m_edgeLines; ///< "parent\nchild" -> line of the [parent:children] entry
    int m_line = 0;
};

} // namespace

Result<ImportResult> AnsibleIniImporter::parse(const QByteArray& text, const QString& fileName)
{
    IniReader reader(fileName);
    Result<ImportResult> imported = reader.read(QString::fromUtf8(text));
    if (imported) {
        if (Status kept = YamlInventoryReader::checkImported(imported->inventory, fileName); !kept)
            return kept.error();
    }
    return imported;
}

Result<ImportResult> AnsibleIniImporter::importFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(file.exists() ? ErrorKind::Io : ErrorKind::NotFound,
                         QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    if (file.size() > InventoryLimits::maxFileBytes)
        return makeError(ErrorKind::Usage, QStringLiteral("%1: larger than %2 bytes; refused")
                                               .arg(path)
                                               .arg(InventoryLimits::maxFileBytes));
    return parse(file.readAll(), path);
}

} // namespace hostdeck::engine
