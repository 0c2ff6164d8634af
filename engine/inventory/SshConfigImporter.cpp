#include "inventory/SshConfigImporter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace hostdeck::engine {

namespace {

constexpr int maxIncludeDepth = 16;

/// Splits an ssh_config line into keyword and arguments: `Key value`, `Key=value`, "quoted args".
QStringList splitLine(const QString& line)
{
    QStringList words;
    QString current;
    bool quoted = false;
    bool inWord = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (c == QLatin1Char('"')) {
            quoted = !quoted;
            inWord = true;
        } else if (!quoted && (c.isSpace() || (c == QLatin1Char('=') && words.isEmpty()))) {
            if (inWord) {
                words.append(current);
                current.clear();
                inWord = false;
            }
        } else if (!quoted && c == QLatin1Char('#')) {
            break;
        } else {
            current += c;
            inWord = true;
        }
    }
    if (inWord)
        words.append(current);
    return words;
}

QString expandTilde(const QString& path)
{
    if (path == QLatin1String("~"))
        return QDir::homePath();
    if (path.startsWith(QLatin1String("~/")))
        return QDir::homePath() + path.mid(1);
    return path;
}

class Importer
{
public:
    explicit Importer(QString baseDir) : m_baseDir(std::move(baseDir)) {}

    Status readFile(const QString& path, int depth)
    {
        if (depth > maxIncludeDepth)
            return makeError(ErrorKind::Usage,
                             QStringLiteral("%1: Include nested more than %2 deep")
                                 .arg(path)
                                 .arg(maxIncludeDepth));
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return makeError(file.exists() ? ErrorKind::Io : ErrorKind::NotFound,
                             QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
        const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'));
        for (int i = 0; i < lines.size(); ++i) {
            const QStringList words = splitLine(lines.at(i));
            if (words.isEmpty())
                continue;
            const Status status = handle(path, i + 1, words.first().toLower(), words.mid(1), depth);
            if (!status)
                return status;
        }
        return Ok{};
    }

    ImportResult take() { return std::move(m_result); }

private:
    void issue(const QString& file, int line, const QString& problem)
    {
        m_result.issues.append(ImportIssue{file, line, problem});
    }

    Status handle(const QString& file, int line, const QString& keyword, const QStringList& args,
                  int depth)
    {
        if (keyword == QLatin1String("include"))
            return include(file, line, args, depth);
        if (keyword == QLatin1String("host")) {
            m_current.clear();
            m_inMatch = false;
            for (const QString& name : args) {
                if (name.contains(QLatin1Char('*')) || name.contains(QLatin1Char('?')) ||
                    name.startsWith(QLatin1Char('!'))) {
                    issue(file, line,
                          QStringLiteral("Host pattern '%1' not imported: wildcard or negated "
                                         "patterns name no single host")
                              .arg(name));
                    continue;
                }
                m_current.append(name);
                if (!m_result.inventory.hasHost(name))
                    m_result.inventory.addHost(Host(name));
            }
            return Ok{};
        }
        if (keyword == QLatin1String("match")) {
            m_current.clear();
            m_inMatch = true;
            issue(file, line,
                  QStringLiteral(
                      "Match block not imported: its conditions have no inventory equivalent"));
            return Ok{};
        }
        if (m_inMatch)
            return Ok{}; // the whole block was reported at its Match line
        if (m_current.isEmpty()) {
            issue(file, line,
                  QStringLiteral("option '%1' not imported: it applies to wildcard or all hosts")
                      .arg(keyword));
            return Ok{};
        }
        if (args.isEmpty()) {
            issue(file, line, QStringLiteral("option '%1' has no value").arg(keyword));
            return Ok{};
        }
        const QString key = variableFor(keyword, args.first());
        if (key.isEmpty()) {
            issue(file, line,
                  QStringLiteral("option '%1' not imported: no inventory equivalent").arg(keyword));
            return Ok{};
        }
        QVariant value = args.first();
        if (keyword == QLatin1String("port")) {
            bool ok = false;
            const int port = args.first().toInt(&ok);
            if (!ok || port <= 0 || port > 65535) {
                issue(file, line, QStringLiteral("bad Port '%1'").arg(args.first()));
                return Ok{};
            }
            value = port;
        } else if (keyword == QLatin1String("stricthostkeychecking")) {
            value = args.first().toLower() == QLatin1String("accept-new")
                        ? QStringLiteral("accept-new")
                        : QStringLiteral("strict");
        } else if (keyword == QLatin1String("identityfile")) {
            value = expandTilde(args.first());
        }
        for (const QString& name : m_current) {
            Host* h = m_result.inventory.host(name);
            if (h->vars().contains(key)) // ssh: the first value obtained wins
                continue;
            if (keyword == QLatin1String("hostname")) {
                // ssh expands %h (the name given) and %% in HostName.
                QString address = value.toString();
                address.replace(QLatin1String("%%"), QStringLiteral("\x01"))
                    .replace(QLatin1String("%h"), name)
                    .replace(QStringLiteral("\x01"), QStringLiteral("%"));
                h->setVar(key, address);
            } else {
                h->setVar(key, value);
            }
        }
        return Ok{};
    }

    QString variableFor(const QString& keyword, const QString& value) const
    {
        if (keyword == QLatin1String("hostname"))
            return QStringLiteral("ansible_host");
        if (keyword == QLatin1String("user"))
            return QStringLiteral("ansible_user");
        if (keyword == QLatin1String("port"))
            return QStringLiteral("ansible_port");
        if (keyword == QLatin1String("identityfile"))
            return QStringLiteral("ansible_ssh_private_key_file");
        if (keyword == QLatin1String("proxyjump") && value.toLower() != QLatin1String("none"))
            return QStringLiteral("hostdeck_jump");
        if (keyword == QLatin1String("stricthostkeychecking")) {
            const QString v = value.toLower();
            if (v == QLatin1String("accept-new") || v == QLatin1String("yes"))
                return QStringLiteral("hostdeck_host_keys");
        }
        return QString();
    }

    Status include(const QString& file, int line, const QStringList& args, int depth)
    {
        for (const QString& arg : args) {
            QString pattern = expandTilde(arg);
            if (QFileInfo(pattern).isRelative())
                pattern = m_baseDir + QLatin1Char('/') + pattern;
            const QFileInfo info(pattern);
            QStringList matches;
            if (info.fileName().contains(QLatin1Char('*')) ||
                info.fileName().contains(QLatin1Char('?')) ||
                info.fileName().contains(QLatin1Char('['))) {
                const QDir dir = info.dir();
                for (const QString& name :
                     dir.entryList({info.fileName()}, QDir::Files, QDir::Name))
                    matches.append(dir.filePath(name));
            } else if (info.exists()) {
                matches.append(pattern);
            }
            if (matches.isEmpty())
                issue(file, line, QStringLiteral("Include '%1' matched no file").arg(arg));
            for (const QString& path : matches) {
                // As in ssh, an included file cannot change the block its Include line sits in.
                const QStringList current = m_current;
                const bool inMatch = m_inMatch;
                const Status status = readFile(path, depth + 1);
                m_current = current;
                m_inMatch = inMatch;
                if (!status)
                    return makeError(status.error().kind, QStringLiteral("%1:%2: in Include: %3")
                                                              .arg(file)
                                                              .arg(line)
                                                              .arg(status.error().message));
            }
        }
        return Ok{};
    }

    QString m_baseDir;
    ImportResult m_result;
    QStringList m_current;
    bool m_inMatch = false;
};

} // namespace

Result<ImportResult> SshConfigImporter::importFile(const QString& path)
{
    Importer importer(QFileInfo(path).absolutePath());
    const Status status = importer.readFile(path, 0);
    if (!status)
        return status.error();
    return importer.take();
}

} // namespace hostdeck::engine
