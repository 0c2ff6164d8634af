#include "engine/inventory/HostRange.h"

#include <QRegularExpression>

#include <limits>

namespace hostdeck::engine {

namespace {

const QString letters = QStringLiteral("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

Error rangeError(const QString& name, const QString& problem)
{
    return makeError(ErrorKind::Usage, QStringLiteral("host range '%1': %2").arg(name, problem));
}

/// Python's int() on a string: optional sign, digits with single underscores between them.
std::optional<qint64> pyInt(const QString& text)
{
    static const QRegularExpression re(QStringLiteral(R"(^\s*[-+]?[0-9](?:_?[0-9])*\s*$)"));
    if (!re.match(text).hasMatch())
        return std::nullopt;
    bool ok = false;
    const qint64 value = QString(text).remove(QLatin1Char('_')).trimmed().toLongLong(&ok);
    if (!ok || value > (qint64(1) << 50) || value < -(qint64(1) << 50))
        return std::nullopt;
    return value;
}

/// The first range of a name: head, the values it takes (as text), tail.
struct Split
{
    QString head;
    QString tail;
    bool alpha = false;
    qint64 first = 0;
    qint64 last = 0;
    qint64 step = 1;
    int width = 0; ///< zero fill
    qint64 size = 0;

    QString value(qint64 index) const
    {
        if (alpha)
            return QString(letters.at(first + index * step));
        const qint64 n = first + index * step;
        QString text = QString::number(n < 0 ? -n : n);
        const int digits = width - (n < 0 ? 1 : 0);
        if (text.size() < digits)
            text.prepend(QString(digits - text.size(), QLatin1Char('0')));
        return n < 0 ? QLatin1Char('-') + text : text;
    }
};

Result<Split> splitFirst(const QString& name)
{
    QString marked = name;
    marked.replace(marked.indexOf(QLatin1Char('[')), 1, QLatin1Char('|'));
    const qsizetype close = marked.indexOf(QLatin1Char(']'));
    if (close >= 0)
        marked.replace(close, 1, QLatin1Char('|'));
    const QStringList parts = marked.split(QLatin1Char('|'));
    if (parts.size() != 3)
        return rangeError(name,
                          QStringLiteral("a range is written [begin:end] or [begin:end:step]"));
    const QStringList bounds = parts.at(1).split(QLatin1Char(':'));
    if (bounds.size() != 2 && bounds.size() != 3)
        return rangeError(name, QStringLiteral("host range must be begin:end or begin:end:step"));
    Split split;
    split.head = parts.at(0);
    split.tail = parts.at(2);
    QString begin = bounds.at(0).isEmpty() ? QStringLiteral("0") : bounds.at(0);
    const QString end = bounds.at(1);
    const std::optional<qint64> step = bounds.size() == 3 ? pyInt(bounds.at(2)) : qint64(1);
    if (end.isEmpty())
        return rangeError(name, QStringLiteral("host range must specify end value"));
    if (!step)
        return rangeError(name, QStringLiteral("the step must be a number"));
    if (begin.at(0) == QLatin1Char('0') && begin.size() > 1) {
        if (begin.size() != end.size())
            return rangeError(name, QStringLiteral("host range must specify equal-length begin "
                                                   "and end formats"));
        split.width = int(begin.size());
    }
    split.step = *step;
    const qsizetype a = letters.indexOf(begin);
    const qsizetype b = letters.indexOf(end);
    if (a >= 0 && b >= 0 && *step != 0) {
        if (a > b)
            return rangeError(name, QStringLiteral("host range must have begin <= end"));
        split.alpha = true;
        split.first = a;
        split.last = b;
        split.size = *step > 0 ? (b - a) / *step + 1 : 0;
        return split;
    }
    const std::optional<qint64> first = pyInt(begin);
    const std::optional<qint64> last = pyInt(end);
    if (!first || !last)
        return rangeError(name, QStringLiteral("the bounds must be numbers or single letters"));
    if (*step == 0)
        return rangeError(name, QStringLiteral("the step must not be zero"));
    split.first = *first;
    split.last = *last;
    if (*step > 0)
        split.size = *last < *first ? 0 : (*last - *first) / *step + 1;
    else
        split.size =
            *first > *last + 1 ? (*first - *last - 2) / -*step + 1 : 0; // range() stops at end+1
    return split;
}

qint64 saturatingProduct(qint64 a, qint64 b)
{
    if (a == 0 || b == 0)
        return 0;
    if (a > std::numeric_limits<qint64>::max() / b)
        return std::numeric_limits<qint64>::max();
    return a * b;
}

} // namespace

Result<qint64> HostRange::count(const QString& name)
{
    QString current = name;
    qint64 total = 1;
    // Every name a range produces has the same shape, so the first one stands for all.
    while (hasRange(current)) {
        const Result<Split> split = splitFirst(current);
        if (!split)
            return split.error();
        total = saturatingProduct(total, split->size);
        if (split->size == 0)
            return qint64(0);
        current = split->head + split->value(0) + split->tail;
    }
    return total;
}

Result<QStringList> HostRange::expand(const QString& name, qsizetype limit)
{
    const Result<qint64> total = count(name);
    if (!total)
        return total.error();
    if (*total > limit)
        return makeError(ErrorKind::Usage,
                         QStringLiteral("host range '%1' expands to %2 hosts; at most %3 are "
                                        "allowed from one pattern")
                             .arg(name, *total == std::numeric_limits<qint64>::max()
                                            ? QStringLiteral("more than 9e18")
                                            : QString::number(*total))
                             .arg(limit));
    QStringList names{name};
    QStringList done;
    while (!names.isEmpty()) {
        QStringList next;
        for (const QString& current : names) {
            if (!hasRange(current)) {
                done.append(current);
                continue;
            }
            const Result<Split> split = splitFirst(current);
            if (!split)
                return split.error();
            for (qint64 i = 0; i < split->size; ++i)
                next.append(split->head + split->value(i) + split->tail);
        }
        names = std::move(next);
    }
    return done;
}

} // namespace hostdeck::engine
