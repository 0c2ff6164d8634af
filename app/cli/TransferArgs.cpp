#include "app/cli/TransferArgs.h"

#include "engine/transfer/CopySource.h"

#include <QFileInfo>

namespace hostdeck::cli {

using namespace hostdeck::engine;

Result<RemoteSpec> RemoteSpec::parse(const QString& text)
{
    const qsizetype colon = text.indexOf(QStringLiteral(":/"));
    if (colon < 0)
        return makeError(ErrorKind::Usage,
                         QStringLiteral("'%1': expected HOSTS:/ABSOLUTE/PATH (e.g. "
                                        "web1,web2:/srv/app or, with -i, 'web:&prod:/etc/app')")
                             .arg(text));
    RemoteSpec spec{text.left(colon), text.mid(colon + 1)};
    if (spec.pattern.isEmpty())
        return makeError(ErrorKind::Usage,
                         QStringLiteral("'%1': name the hosts before ':'").arg(text));
    return spec;
}

TransferArgs::TransferArgs(Command command)
    : m_command(command), m_mode(QStringList{QStringLiteral("mode")},
                                 QStringLiteral("Mode of the files."), QStringLiteral("MODE")),
      m_owner(QStringList{QStringLiteral("owner")}, QStringLiteral("Owner of what is written."),
              QStringLiteral("USER")),
      m_group(QStringList{QStringLiteral("group")}, QStringLiteral("Group of what is written."),
              QStringLiteral("GROUP")),
      m_checksum(QStringList{QStringLiteral("checksum")},
                 QStringLiteral("Compare same-size files by content.")),
      m_exclude(QStringList{QStringLiteral("exclude")},
                QStringLiteral("Glob of paths to leave out."), QStringLiteral("GLOB")),
      m_delete(QStringList{QStringLiteral("delete")},
               QStringLiteral("Remove remote files the local folder lacks.")),
      m_events(QStringList{QStringLiteral("events")},
               QStringLiteral("Every event of the run as a JSON line.")),
      m_progress(QStringList{QStringLiteral("progress")},
                 QStringLiteral("Live progress per host on standard error."))
{
}

void TransferArgs::addTo(QCommandLineParser& parser) const
{
    parser.addOptions({m_checksum, m_exclude, m_events, m_progress});
    if (m_command != Command::Fetch)
        parser.addOptions({m_mode, m_owner, m_group});
    if (m_command == Command::Sync)
        parser.addOption(m_delete);
}

Status TransferArgs::apply(const QCommandLineParser& parser, CopyOptions& options) const
{
    if (m_command == Command::Fetch)
        return Ok{};
    if (parser.isSet(m_mode)) {
        Result<int> mode = CopyOptions::parseMode(parser.value(m_mode));
        if (!mode)
            return makeError(ErrorKind::Usage, QStringLiteral("--") + mode.error().message);
        options.fileMode = *mode;
    }
    options.owner = parser.value(m_owner);
    options.group = parser.value(m_group);
    options.checksum = parser.isSet(m_checksum);
    options.exclude = parser.values(m_exclude);
    options.deleteExtra = m_command == Command::Sync && parser.isSet(m_delete);
    return Ok{};
}

QString absoluteLocal(const QString& path)
{
    const bool content = path.size() > 1 && path.endsWith(QLatin1Char('/'));
    QString absolute = QFileInfo(path).absoluteFilePath();
    while (absolute.size() > 1 && absolute.endsWith(QLatin1Char('/')))
        absolute.chop(1);
    return content && absolute != QStringLiteral("/") ? absolute + QLatin1Char('/') : absolute;
}

} // namespace hostdeck::cli
