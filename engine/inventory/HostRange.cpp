#include "inventory/HostRange.h"

#include <QRegularExpression>

namespace hostdeck::engine {

namespace {

constexpr qint64 kMaxNames = 100000;

const QRegularExpression& rangePattern()
{
    static const QRegularExpression re(
        QStringLiteral(R"(\[([0-9]+|[a-zA-Z]):([0-9]+|[a-zA-Z])(?::([0-9]+))?\])"));
    return re;
}

Result<QStringList> expandOne(const QString& begin, const QString& end, const QString& stepText,
                              const QString& whole)
{
    const int step = stepText.isEmpty() ? 1 : stepText.toInt();
    if (step <= 0)
        return makeError(ErrorKind::Usage,
                         QStringLiteral("range step must be positive in '%1'").arg(whole));
    QStringList values;
    bool beginNumeric = false;
    bool endNumeric = false;
    const int first = begin.toInt(&beginNumeric);
    const int last = end.toInt(&endNumeric);
    if (beginNumeric != endNumeric)
        return makeError(ErrorKind::Usage,
                         QStringLiteral("range mixes letters and numbers in '%1'").arg(whole));
    if (beginNumeric) {
        if (first > last)
            return makeError(ErrorKind::Usage,
                             QStringLiteral("range start is after its end in '%1'").arg(whole));
        if ((last - first) / step > 100000)
            return makeError(ErrorKind::Usage,
                             QStringLiteral("range too large in '%1'").arg(whole));
        const int width = begin.startsWith(QLatin1Char('0')) && begin.size() > 1 ? begin.size() : 0;
        for (int i = first; i <= last; i += step)
            values.append(QStringLiteral("%1").arg(i, width, 10, QLatin1Char('0')));
        return values;
    }
    const QChar a = begin.at(0);
    const QChar b = end.at(0);
    if (a > b || a.isLower() != b.isLower())
        return makeError(ErrorKind::Usage,
                         QStringLiteral("bad alphabetic range in '%1'").arg(whole));
    for (char16_t c = a.unicode(); c <= b.unicode(); c = static_cast<char16_t>(c + step))
        values.append(QString(QChar(c)));
    return values;
}

} // namespace

bool HostRange::hasRange(const QString& name)
{
    return rangePattern().match(name).hasMatch();
}

Result<QStringList> HostRange::expand(const QString& name)
{
    const QRegularExpressionMatch match = rangePattern().match(name);
    if (!match.hasMatch())
        return QStringList{name};
    Result<QStringList> values =
        expandOne(match.captured(1), match.captured(2), match.captured(3), name);
    if (!values)
        return values.error();
    const QString head = name.left(match.capturedStart());
    const QString tail = name.mid(match.capturedEnd());
    Result<QStringList> tails = expand(tail);
    if (!tails)
        return tails.error();
    // Each range is bounded, their product too (two ranges of 100,000 would be 10^10 names).
    if (qint64(values->size()) * tails->size() > kMaxNames)
        return makeError(ErrorKind::Usage,
                         QStringLiteral("range too large in '%1' (more than %2 names)")
                             .arg(name)
                             .arg(kMaxNames));
    QStringList names;
    for (const QString& value : *values) {
        for (const QString& rest : *tails)
            names.append(head + value + rest);
    }
    return names;
}

} // namespace hostdeck::engine
