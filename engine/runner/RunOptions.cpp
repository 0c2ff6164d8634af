#include "engine/runner/RunRequest.h"

#include <QJsonArray>

#include <algorithm>

namespace hostdeck::engine {

namespace {

/// A count or a percentage of `targets`; -1 when `text` is neither.
int batchSize(const QString& text, int targets)
{
    const QString t = text.trimmed();
    bool ok = false;
    if (t.endsWith(QLatin1Char('%'))) {
        const double percent = t.chopped(1).trimmed().toDouble(&ok);
        if (!ok || percent <= 0 || percent > 100)
            return -1;
        return std::max(1, int(double(targets) * percent / 100.0));
    }
    const int count = t.toInt(&ok);
    return ok && count > 0 ? count : -1;
}

} // namespace

QJsonObject RunOptions::toJson() const
{
    QJsonObject json{{QStringLiteral("check"), check},
                     {QStringLiteral("forks"), forks},
                     {QStringLiteral("call_timeout"), double(callTimeout.count()) / 1000.0},
                     {QStringLiteral("deadline"), double(deadline.count()) / 1000.0},
                     {QStringLiteral("origin"), origin}};
    if (!serial.isEmpty())
        json.insert(QStringLiteral("serial"), QJsonArray::fromStringList(serial));
    if (maxFailPercentage)
        json.insert(QStringLiteral("max_fail_percentage"), *maxFailPercentage);
    return json;
}

Status RunOptions::validateSerial(const QStringList& serial)
{
    for (const QString& entry : serial) {
        if (batchSize(entry, 100) < 0)
            return makeError(ErrorKind::Usage,
                             QStringLiteral("serial: '%1' is neither a positive count nor a "
                                            "percentage between 0 and 100%")
                                 .arg(entry));
    }
    return Ok{};
}

QList<int> RunOptions::batchSizes(int targets) const
{
    QList<int> sizes;
    if (serial.isEmpty()) {
        if (targets > 0)
            sizes << targets;
        return sizes;
    }
    int left = targets;
    int index = 0;
    while (left > 0) {
        const QString& entry = serial.at(std::min<qsizetype>(index, serial.size() - 1));
        int size = batchSize(entry, targets);
        if (size < 1)
            size = left;
        size = std::min(size, left);
        sizes << size;
        left -= size;
        ++index;
    }
    return sizes;
}

} // namespace hostdeck::engine
