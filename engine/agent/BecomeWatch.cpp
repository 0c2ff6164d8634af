#include "engine/agent/BecomeWatch.h"

#include "engine/agent/Bootstrap.h"

namespace hostdeck::engine {

BecomeWatch::Step BecomeWatch::prompt(const QByteArray& text)
{
    Step step;
    step.outcome = ++m_prompts == 1 ? Outcome::Prompt : Outcome::AskedAgain;
    step.text = QString::fromUtf8(text.trimmed());
    return step;
}

BecomeWatch::Step BecomeWatch::line(const QByteArray& text)
{
    Step step;
    if (m_method == BecomeMethod::Su) {
        if (text.startsWith(Bootstrap::suPromptMarker()))
            return prompt(text.mid(Bootstrap::suPromptMarker().size()));
        if (text.startsWith(Bootstrap::suFailedMarker())) {
            const QByteArray rest = text.mid(Bootstrap::suFailedMarker().size());
            const qsizetype space = rest.indexOf(' ');
            step.outcome = Outcome::Failed;
            step.exitCode = rest.left(space < 0 ? rest.size() : space).toInt();
            step.text = space < 0 ? QString() : QString::fromUtf8(rest.mid(space + 1).trimmed());
        }
        return step;
    }
    // sudo's own words (English; a translated sudo ends with its exit instead, still Become).
    if (text.contains("is not in the sudoers file") || text.contains("is not allowed to")) {
        step.outcome = Outcome::Refused;
        step.text = QString::fromUtf8(text.trimmed());
    }
    return step;
}

BecomeWatch::Step BecomeWatch::feed(const QByteArray& data)
{
    m_pending.append(data);
    Step result;
    while (true) {
        Step step;
        const qsizetype newline = m_pending.indexOf('\n');
        // sudo prints its prompt without a line end: it counts wherever it appears.
        const qsizetype marker =
            m_method == BecomeMethod::Sudo ? m_pending.indexOf(Bootstrap::sudoPromptMarker()) : -1;
        if (marker >= 0 && (newline < 0 || marker < newline)) {
            const QByteArray before = m_pending.left(marker);
            m_pending.remove(0, marker + Bootstrap::sudoPromptMarker().size());
            step = line(before);
            if (step.outcome == Outcome::NeedMore)
                step = prompt({});
        } else if (newline >= 0) {
            QByteArray text = m_pending.left(newline);
            m_pending.remove(0, newline + 1);
            if (text.endsWith('\r'))
                text.chop(1);
            step = line(text);
        } else {
            break;
        }
        if (step.outcome == Outcome::Prompt)
            result = step;
        else if (step.outcome != Outcome::NeedMore)
            return step;
    }
    // A line without its end stays bounded; its tail may still hold the start of a marker.
    if (m_pending.size() > kMaxLine)
        m_pending.remove(0, m_pending.size() - kMaxLine);
    return result;
}

} // namespace hostdeck::engine
