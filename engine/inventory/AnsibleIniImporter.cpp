#include "inventory/AnsibleIniImporter.h"

#include "inventory/HostRange.h"

#include <QFile>
#include <QRegularExpression>

namespace hostdeck::engine {

namespace {

enum class Section
{
    Hosts,
    Children,
    Vars,
    Unknown
};

/// shlex.split(line, comments=True) as Ansible uses it for host lines.
Result<QStringList> shellSplit(const QString& line)
{
    QStringList words;
    QString current;
    bool inWord = false;
    QChar quote;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
            else if (c == QLatin1Char('\\') && quote == QLatin1Char('"') && i + 1 < line.size() &&
                     (line.at(i + 1) == QLatin1Char('"') || line.at(i + 1) == QLatin1Char('\\')))
                current += line.at(++i);
            else
                current += c;
        } else if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
            quote = c;
            inWord = true;
        } else if (c == QLatin1Char('\\') && i + 1 < line.size()) {
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
        return makeError(ErrorKind::Usage, QStringLiteral("unterminated quote"));
    if (inWord)
        words.append(current);
    return words;
}

/// ast.literal_eval for the scalar cases, falling back to the string as Ansible does.
QVariant literalValue(const QString& text)
{
    static const QRegularExpression intRe(QStringLiteral("^[-+]?[0-9]+$"));
    static const QRegularExpression floatRe(
        QStringLiteral(R"(^[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$)"));
    if (text == QLatin1String("True"))
        return true;
    if (text == QLatin1String("False"))
        return false;
    if (text == QLatin1String("None"))
        return QVariant();
    if (intRe.match(text).hasMatch()) {
        bool ok = false;
        const qlonglong value = text.toLongLong(&ok);
        if (ok)
            return value <= INT_MAX && value >= INT_MIN ? QVariant(int(value)) : QVariant(value);
    }
    if (floatRe.match(text).hasMatch())
        return text.toDouble();
    return text;
}

/// Position of the ':' of `host:port` (not inside a range, not IPv6), or -1.
qsizetype portSeparator(const QString& pattern)
{
    qsizetype found = -1;
    int depth = 0;
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        const QChar c = pattern.at(i);
        if (c == QLatin1Char('['))
            ++depth;
        else if (c == QLatin1Char(']'))
            --depth;
        else if (c == QLatin1Char(':') && depth == 0) {
            if (found >= 0)
                return -1; // more than one: an IPv6 address
            found = i;
        }
    }
    if (found <= 0 || found + 1 >= pattern.size())
        return -1;
    for (qsizetype i = found + 1; i < pattern.size(); ++i) {
        if (!pattern.at(i).isDigit())
            return -1;
    }
    return found;
}

class IniReader
{
public:
    explicit IniReader(QString fileName) : m_fileName(std::move(fileName)) {}

    Result<ImportResult> read(const QString& text)
    {
        static const QRegularExpression sectionRe(
            QStringLiteral(R"(^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:[#;].*)?$)"));
        const QStringList lines = text.split(QLatin1Char('\n'));
        for (int i = 0; i < lines.size(); ++i) {
            const int lineNo = i + 1;
            const QString line = lines.at(i).trimmed();
            if (line.isEmpty() || line.startsWith(QLatin1Char('#')) ||
                line.startsWith(QLatin1Char(';')))
                continue;
            if (line.startsWith(QLatin1Char('['))) {
                const QRegularExpressionMatch m = sectionRe.match(line);
                if (!m.hasMatch())
                    return failure(lineNo, QStringLiteral("invalid section header '%1'").arg(line));
                startSection(lineNo, m.captured(1), m.captured(2));
                continue;
            }
            const Status status = handleLine(lineNo, line);
            if (!status)
                return status.error();
        }
        const Status valid = m_result.inventory.validate();
        if (!valid)
            return failure(0, valid.error().message);
        return std::move(m_result);
    }

private:
    Error failure(int line, const QString& problem) const
    {
        return makeError(ErrorKind::Usage,
                         QStringLiteral("%1:%2: %3").arg(m_fileName).arg(line).arg(problem));
    }

    void startSection(int line, const QString& group, const QString& kind)
    {
        m_group = group;
        if (kind.isEmpty() || kind == QLatin1String("hosts"))
            m_section = Section::Hosts;
        else if (kind == QLatin1String("children"))
            m_section = Section::Children;
        else if (kind == QLatin1String("vars"))
            m_section = Section::Vars;
        else {
            m_section = Section::Unknown;
            m_result.issues.append(ImportIssue{
                m_fileName, line,
                QStringLiteral("section [%1:%2] not imported: unknown section kind '%2'")
                    .arg(group, kind)});
            return;
        }
        if (m_section == Section::Vars && !m_result.inventory.hasGroup(group))
            m_result.issues.append(ImportIssue{
                m_fileName, line,
                QStringLiteral(
                    "[%1:vars] comes before group '%1' is defined; the group was created")
                    .arg(group)});
        m_result.inventory.ensureGroup(group);
    }

    Status handleLine(int line, const QString& text)
    {
        switch (m_section) {
        case Section::Unknown:
            return Ok{};
        case Section::Vars: {
            const qsizetype eq = text.indexOf(QLatin1Char('='));
            if (eq <= 0)
                return failure(
                    line,
                    QStringLiteral("expected key=value in [%1:vars], got '%2'").arg(m_group, text));
            m_result.inventory.group(m_group)->vars.insert(text.left(eq).trimmed(),
                                                           text.mid(eq + 1).trimmed());
            return Ok{};
        }
        case Section::Children: {
            const QString child = text.split(QRegularExpression(QStringLiteral("\\s+"))).first();
            const Status added = m_result.inventory.addChild(m_group, child);
            if (!added)
                return failure(line, added.error().message);
            return Ok{};
        }
        case Section::Hosts:
            return hostLine(line, text);
        }
        return Ok{};
    }

    Status hostLine(int line, const QString& text)
    {
        const Result<QStringList> words = shellSplit(text);
        if (!words)
            return failure(line, words.error().message);
        if (words->isEmpty())
            return Ok{};
        QString pattern = words->first();
        QVariantMap vars;
        const qsizetype colon = portSeparator(pattern);
        if (colon > 0) {
            vars.insert(QStringLiteral("ansible_port"), pattern.mid(colon + 1).toInt());
            pattern.truncate(colon);
        }
        for (const QString& word : words->mid(1)) {
            const qsizetype eq = word.indexOf(QLatin1Char('='));
            if (eq <= 0)
                return failure(
                    line, QStringLiteral("expected key=value host variable, got '%1'").arg(word));
            vars.insert(word.left(eq), literalValue(word.mid(eq + 1)));
        }
        const Result<QStringList> names = HostRange::expand(pattern);
        if (!names)
            return failure(line, names.error().message);
        const QString group = m_group.isEmpty() ? Inventory::allGroup() : m_group;
        for (const QString& name : *names)
            m_result.inventory.addHost(Host(name, vars), group);
        return Ok{};
    }

    QString m_fileName;
    ImportResult m_result;
    QString m_group;
    Section m_section = Section::Hosts;
};

} // namespace

Result<ImportResult> AnsibleIniImporter::parse(const QByteArray& text, const QString& fileName)
{
    IniReader reader(fileName);
    return reader.read(QString::fromUtf8(text));
}

Result<ImportResult> AnsibleIniImporter::importFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(file.exists() ? ErrorKind::Io : ErrorKind::NotFound,
                         QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    return parse(file.readAll(), path);
}

} // namespace hostdeck::engine
