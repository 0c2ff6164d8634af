#pragma once

#include <QByteArray>
#include <QString>

namespace hostdeck::engine {

/// Parses what an interpreter prints before the agent's READY line (PROTOCOL.md §1): skips login
/// banners and rc noise, recognises the loader's markers, and gives up on garbage.
class Handshake
{
public:
    enum class Outcome
    {
        NeedMore,      ///< nothing decided yet
        LoaderWaiting, ///< the loader announced it is reading the payload (become mode)
        Ready,         ///< READY seen; `rest` holds the first frame bytes
        TooOld,        ///< the interpreter is older than 3.8; `pythonVersion` says which
        Garbage,       ///< too much output without READY
        BadReady,      ///< a READY line that cannot be parsed or speaks another protocol
    };

    struct Step
    {
        Outcome outcome = Outcome::NeedMore;
        QString pythonVersion;
        int protocolVersion = 0;
        qint64 pid = 0;
        QByteArray rest;
        QString problem;
    };

    static constexpr qsizetype kMaxNoise = 64 * 1024;

    /// Feed stdout bytes. After Ready, TooOld, Garbage or BadReady the handshake is over.
    Step feed(const QByteArray& data);
    /// What was printed that was not a marker (first 4 KiB), for error messages; control
    /// characters escaped.
    QString noiseExcerpt() const;
    qsizetype noiseBytes() const { return m_noiseBytes; }

private:
    Step parseLine(const QByteArray& line);

    QByteArray m_pending;
    QByteArray m_noise;
    qsizetype m_noiseBytes = 0;
};

} // namespace hostdeck::engine
