#pragma once

#include <QByteArray>
#include <QString>
#include <QStringView>

namespace hostdeck::engine {

/// Whether a remote text may span lines where it is shown.
enum class TextShape
{
    SingleLine, ///< a name, a version, a value in a one-line message: \n and \t are escaped too
    MultiLine,  ///< an excerpt, a message, output lines: \n and \t are kept
};

/// Text that came from a host (its output, its errors, what it printed before READY) made safe
/// to show on the operator's terminal or in a widget: every character that could steer a
/// terminal or reorder what is displayed is written as an escape instead — C0 controls (ESC,
/// BEL, CR, ...), DEL, C1 controls, the Unicode line/paragraph separators and the bidi
/// embedding, override, isolate and mark characters. `\r` and `\n`/`\t` (SingleLine) use their
/// usual letters, others `\xHH` or `\uHHHH`. Printable text, including non-ASCII, is unchanged.
QString sanitizeRemoteText(QStringView text, TextShape shape = TextShape::MultiLine);
/// The same for raw bytes (decoded as UTF-8, invalid sequences replaced).
QString sanitizeRemoteText(const QByteArray& utf8, TextShape shape = TextShape::MultiLine);

/// JSON text (UTF-8) made safe to print on a terminal without changing what it decodes to: DEL,
/// C1 controls, line/paragraph separators and bidi controls inside strings become \uXXXX
/// escapes (a JSON encoder already escapes C0 controls; these it leaves raw).
QByteArray terminalSafeJson(const QByteArray& json);

/// True when sanitizeRemoteText() would change `c` (for tests and quick checks).
bool isUnsafeRemoteChar(char16_t c, TextShape shape);

} // namespace hostdeck::engine
