#pragma once

#include "engine/agent/BecomeMethod.h"

#include <QByteArray>
#include <QString>

namespace hostdeck::engine {

/// Reads what sudo or the su stage print on stderr while an agent starts as another user
/// (PROTOCOL.md §1, Become): password prompts, a second prompt, sudo's refusal, su's failure.
/// Bytes may arrive split anywhere; whatever else is printed (rc noise, sudo's lecture) is
/// skipped. Decides nothing from the prompt's wording: sudo's prompt is our own marker, and the
/// su stage reports prompts as marker lines.
class BecomeWatch
{
public:
    enum class Outcome
    {
        NeedMore,
        Prompt,     ///< the first password prompt: answer with one line on stdin
        AskedAgain, ///< a second prompt (sudo: the password was wrong); `text`: su's prompt
        Refused,    ///< sudo says the user may not run it; `text`: sudo's words
        Failed,     ///< su ended before the agent started; `text`: what su printed
    };

    struct Step
    {
        Outcome outcome = Outcome::NeedMore;
        QString text;     ///< remote text, not yet sanitised
        int exitCode = 0; ///< for Failed
    };

    static constexpr qsizetype kMaxLine = 4096; ///< bytes kept of a line without its end

    explicit BecomeWatch(BecomeMethod method = BecomeMethod::Sudo) : m_method(method) {}

    /// Feed stderr bytes. After AskedAgain, Refused or Failed the watch is over; a Prompt is
    /// reported only when nothing decisive follows it in the same bytes.
    Step feed(const QByteArray& data);
    int prompts() const { return m_prompts; }

private:
    Step line(const QByteArray& text);
    Step prompt(const QByteArray& text);

    BecomeMethod m_method;
    QByteArray m_pending;
    int m_prompts = 0;
};

} // namespace hostdeck::engine
