#pragma once

#include "engine/util/Result.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

#include <optional>

namespace hostdeck::engine {
struct CopyOptions;
}

namespace hostdeck::cli {

/// `PATTERN:/REMOTE/PATH` as copy, fetch and sync take it: the hosts before the first ":/"
/// (a pattern may hold ':' itself, e.g. 'web:&prod'), the absolute remote path after it.
struct RemoteSpec
{
    QString pattern;
    QString path;

    static engine::Result<RemoteSpec> parse(const QString& text);
};

/// The options copy, fetch and sync add to the target and run options.
class TransferArgs
{
public:
    enum class Command
    {
        Copy,
        Sync,
        Fetch
    };

    explicit TransferArgs(Command command);
    void addTo(QCommandLineParser& parser) const;

    /// --mode, --owner, --group, --checksum, --exclude, --delete into `options`.
    engine::Status apply(const QCommandLineParser& parser, engine::CopyOptions& options) const;
    bool checksum(const QCommandLineParser& parser) const { return parser.isSet(m_checksum); }
    QStringList exclude(const QCommandLineParser& parser) const { return parser.values(m_exclude); }
    bool events(const QCommandLineParser& parser) const { return parser.isSet(m_events); }
    bool progress(const QCommandLineParser& parser) const { return parser.isSet(m_progress); }

private:
    Command m_command;
    QCommandLineOption m_mode, m_owner, m_group, m_checksum, m_exclude, m_delete, m_events,
        m_progress;
};

/// A local path made absolute, keeping a trailing '/' (it means "the folder's content").
QString absoluteLocal(const QString& path);

} // namespace hostdeck::cli
