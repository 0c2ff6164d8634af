#include "engine/agent/Handshake.h"

#include "engine/agent/Bootstrap.h"
#include "engine/util/RemoteText.h"
#include "engine/wire/Frame.h"

#include <QList>

namespace hostdeck::engine {

namespace {
constexpr qsizetype kExcerpt = 4096;
}

Handshake::Step Handshake::feed(const QByteArray& data)
{
    m_pending.append(data);
    Step waiting;
    while (true) {
        const qsizetype newline = m_pending.indexOf('\n');
        if (newline < 0)
            break;
        QByteArray line = m_pending.left(newline);
        m_pending.remove(0, newline + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        Step step = parseLine(line);
        if (step.outcome == Outcome::Ready) {
            step.rest = std::exchange(m_pending, {});
            return step;
        }
        if (step.outcome == Outcome::LoaderWaiting) {
            waiting = step;
            continue;
        }
        if (step.outcome != Outcome::NeedMore)
            return step;
    }
    // Only a line that is already too long on its own is decided here: counting an incomplete
    // line into the noise could call a READY line garbage because it arrived in two reads.
    if (m_pending.size() > kMaxNoise) {
        Step garbage;
        garbage.outcome = Outcome::Garbage;
        return garbage;
    }
    return waiting;
}

Handshake::Step Handshake::parseLine(const QByteArray& line)
{
    Step step;
    if (line.startsWith(Bootstrap::readyMarker())) {
        const QList<QByteArray> parts = line.mid(Bootstrap::readyMarker().size()).split(' ');
        bool okVersion = false;
        bool okPid = false;
        if (parts.size() >= 3) {
            step.protocolVersion = parts[0].toInt(&okVersion);
            step.pythonVersion = sanitizeRemoteText(parts[1], TextShape::SingleLine);
            step.pid = parts[2].toLongLong(&okPid);
        }
        if (!okVersion || !okPid) {
            step.outcome = Outcome::BadReady;
            step.problem = QStringLiteral("malformed READY line: \"%1\"")
                               .arg(sanitizeRemoteText(line.left(200), TextShape::SingleLine));
        } else if (step.protocolVersion != wire::kProtocolVersion) {
            step.outcome = Outcome::BadReady;
            step.problem = QStringLiteral("agent speaks protocol %1, controller %2")
                               .arg(step.protocolVersion)
                               .arg(wire::kProtocolVersion);
        } else {
            step.outcome = Outcome::Ready;
        }
        return step;
    }
    if (line.startsWith(Bootstrap::tooOldMarker())) {
        step.outcome = Outcome::TooOld;
        step.pythonVersion = sanitizeRemoteText(
            line.mid(Bootstrap::tooOldMarker().size()).trimmed().left(40), TextShape::SingleLine);
        return step;
    }
    if (line == Bootstrap::loaderMarker()) {
        step.outcome = Outcome::LoaderWaiting;
        return step;
    }
    m_noiseBytes += line.size() + 1;
    if (m_noise.size() < kExcerpt)
        m_noise.append(line.left(kExcerpt - m_noise.size())).append('\n');
    if (m_noiseBytes > kMaxNoise)
        step.outcome = Outcome::Garbage;
    return step;
}

QString Handshake::noiseExcerpt() const
{
    QByteArray text = m_noise;
    if (text.size() < kExcerpt)
        text.append(m_pending.left(kExcerpt - text.size()));
    return sanitizeRemoteText(QString::fromUtf8(text).trimmed());
}

} // namespace hostdeck::engine
