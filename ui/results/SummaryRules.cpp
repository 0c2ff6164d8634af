#include "ui/results/SummaryRules.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

#include <cmath>

namespace hostdeck::ui {

namespace {

constexpr int kMaxItems = 8;

QJsonValue at(const QJsonValue& value, const QString& path)
{
    if (path.isEmpty() || path == QLatin1String("."))
        return value;
    QJsonValue current = value;
    for (const QString& part : path.split(QLatin1Char('.'))) {
        bool isIndex = false;
        const int index = part.toInt(&isIndex);
        if (isIndex && current.isArray())
            current = current.toArray().at(index);
        else if (current.isObject())
            current = current.toObject().value(part);
        else
            return QJsonValue(QJsonValue::Undefined);
    }
    return current;
}

bool truthy(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return value.toBool();
    case QJsonValue::Double:
        return value.toDouble() != 0.0;
    case QJsonValue::String:
        return !value.toString().isEmpty();
    case QJsonValue::Array:
        return !value.toArray().isEmpty();
    case QJsonValue::Object:
        return !value.toObject().isEmpty();
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        break;
    }
    return false;
}

QString number(double n)
{
    if (std::isfinite(n) && n == std::floor(n) && std::fabs(n) < 1e15)
        return QString::number(qint64(n));
    return QString::number(n, 'g', 6);
}

QString bytes(double n)
{
    return QLocale::c().formattedDataSize(qint64(n), 1, QLocale::DataSizeTraditionalFormat);
}

QString duration(double seconds)
{
    const qint64 s = qint64(seconds);
    if (s >= 86400)
        return QStringLiteral("%1 d %2 h").arg(s / 86400).arg((s % 86400) / 3600);
    if (s >= 3600)
        return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
    if (s >= 60)
        return QStringLiteral("%1 min").arg(s / 60);
    return QStringLiteral("%1 s").arg(number(std::round(seconds * 10) / 10));
}

QString joined(const QStringList& items, const QString& separator)
{
    if (items.size() <= kMaxItems)
        return items.join(separator);
    return items.mid(0, kMaxItems).join(separator) +
           QStringLiteral("… (+%1)").arg(items.size() - kMaxItems);
}

QString filtered(const QJsonValue& value, const QString& filter)
{
    if (filter == QLatin1String("line")) {
        for (const QString& line : value.toString().split(QLatin1Char('\n'))) {
            if (!line.trimmed().isEmpty())
                return line.trimmed();
        }
        return {};
    }
    if (filter == QLatin1String("lines")) {
        const QString text = value.toString();
        return QString::number(text.isEmpty() ? 0
                                              : text.count(QLatin1Char('\n')) +
                                                    (text.endsWith(QLatin1Char('\n')) ? 0 : 1));
    }
    if (filter == QLatin1String("count"))
        return QString::number(value.isArray()    ? value.toArray().size()
                               : value.isObject() ? value.toObject().size()
                                                  : 0);
    if (filter == QLatin1String("keys"))
        return joined(value.toObject().keys(), QStringLiteral(", "));
    if (filter == QLatin1String("join")) {
        QStringList items;
        for (const QJsonValue& item : value.toArray())
            items << SummaryRules::text(item);
        return joined(items, QStringLiteral(" "));
    }
    if (filter == QLatin1String("names")) {
        QStringList items;
        for (const QJsonValue& item : value.toArray()) {
            const QJsonObject o = item.toObject();
            QString name = o.value(QStringLiteral("name")).toString();
            if (o.contains(QStringLiteral("action")))
                name = o.value(QStringLiteral("action")).toString() + QLatin1Char(' ') + name;
            items << name;
        }
        return joined(items, QStringLiteral(", "));
    }
    if (filter == QLatin1String("mounts")) {
        QStringList items;
        for (const QJsonValue& item : value.toArray()) {
            const QJsonObject o = item.toObject();
            const double size = o.value(QStringLiteral("size")).toDouble();
            const double free = o.value(QStringLiteral("free")).toDouble();
            items << QStringLiteral("%1 %2% used")
                         .arg(o.value(QStringLiteral("mount")).toString())
                         .arg(size > 0 ? qRound(100.0 * (size - free) / size) : 0);
        }
        return joined(items, QStringLiteral(", "));
    }
    if (filter == QLatin1String("bytes")) {
        if (value.isObject() && value.toObject().contains(QStringLiteral("$bytes")))
            return bytes(
                double(QByteArray::fromBase64(
                           value.toObject().value(QStringLiteral("$bytes")).toString().toLatin1())
                           .size()));
        return value.isDouble() ? bytes(value.toDouble()) : SummaryRules::text(value);
    }
    if (filter == QLatin1String("duration"))
        return value.isDouble() ? duration(value.toDouble()) : SummaryRules::text(value);
    if (filter == QLatin1String("stat")) {
        int added = 0;
        int removed = 0;
        for (const QString& line : value.toString().split(QLatin1Char('\n'))) {
            if (line.startsWith(QLatin1Char('+')) && !line.startsWith(QLatin1String("+++")))
                ++added;
            else if (line.startsWith(QLatin1Char('-')) && !line.startsWith(QLatin1String("---")))
                ++removed;
        }
        return QStringLiteral("+%1 −%2 line(s)").arg(added).arg(removed);
    }
    if (filter == QLatin1String("short")) {
        const QString text = SummaryRules::text(value);
        return text.size() > 12 ? text.left(12) + QChar(0x2026) : text;
    }
    return SummaryRules::text(value);
}

/// The end of the `{...}` that starts at `open` (nested braces count), or -1.
qsizetype closing(const QString& format, qsizetype open)
{
    int depth = 0;
    for (qsizetype i = open; i < format.size(); ++i) {
        if (format.at(i) == QLatin1Char('{'))
            ++depth;
        else if (format.at(i) == QLatin1Char('}') && --depth == 0)
            return i;
    }
    return -1;
}

/// The first `c` in `text` outside braces, or -1.
qsizetype topLevel(const QString& text, QChar c)
{
    int depth = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i) == QLatin1Char('{'))
            ++depth;
        else if (text.at(i) == QLatin1Char('}'))
            --depth;
        else if (depth == 0 && text.at(i) == c)
            return i;
    }
    return -1;
}

QJsonValue lookup(const QJsonValue& value, const QString& expression, QString* filter)
{
    const qsizetype colon = expression.indexOf(QLatin1Char(':'));
    *filter = colon < 0 ? QString() : expression.mid(colon + 1).trimmed();
    return at(value, (colon < 0 ? expression : expression.left(colon)).trimmed());
}

} // namespace

QString SummaryRules::text(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Double:
        return number(value.toDouble());
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    case QJsonValue::Array: {
        QStringList items;
        for (const QJsonValue& item : value.toArray())
            items << text(item);
        return joined(items, QStringLiteral(", "));
    }
    case QJsonValue::Object: {
        const QJsonObject object = value.toObject();
        QStringList items;
        for (auto it = object.begin(); it != object.end(); ++it)
            items << it.key() + QLatin1Char('=') + text(it.value());
        return joined(items, QStringLiteral(", "));
    }
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("–");
}

QString SummaryRules::apply(const QString& format, const QJsonValue& value)
{
    QString out;
    qsizetype i = 0;
    while (i < format.size()) {
        const QChar c = format.at(i);
        if (c != QLatin1Char('{')) {
            out += c;
            ++i;
            continue;
        }
        const qsizetype end = closing(format, i);
        if (end < 0) { // unbalanced: the rest is text
            out += format.mid(i);
            break;
        }
        const QString inner = format.mid(i + 1, end - i - 1);
        const qsizetype question = topLevel(inner, QLatin1Char('?'));
        QString filter;
        if (question < 0) {
            out += filtered(lookup(value, inner, &filter), filter);
        } else {
            const QString branches = inner.mid(question + 1);
            const qsizetype bar = topLevel(branches, QLatin1Char('|'));
            const QJsonValue condition = lookup(value, inner.left(question), &filter);
            const bool yes =
                filter.isEmpty() ? truthy(condition) : !filtered(condition, filter).isEmpty();
            const QString chosen = yes ? (bar < 0 ? branches : branches.left(bar))
                                       : (bar < 0 ? QString() : branches.mid(bar + 1));
            out += apply(chosen, value);
        }
        i = end + 1;
    }
    return out;
}

engine::Result<SummaryRules> SummaryRules::parse(const QByteArray& json)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return engine::makeError(engine::ErrorKind::InvalidArgument,
                                 QStringLiteral("summary rules: %1 at offset %2")
                                     .arg(error.errorString())
                                     .arg(error.offset));
    SummaryRules rules;
    const QJsonArray list = doc.object().value(QStringLiteral("rules")).toArray();
    for (int i = 0; i < list.size(); ++i) {
        const QJsonObject rule = list.at(i).toObject();
        const QString match = rule.value(QStringLiteral("match")).toString();
        const QString format = rule.value(QStringLiteral("format")).toString();
        if (!match.contains(QLatin1Char('.')) || format.isEmpty())
            return engine::makeError(engine::ErrorKind::InvalidArgument,
                                     QStringLiteral("summary rule %1: needs a match "
                                                    "(Tool.method or Tool.*) and a format")
                                         .arg(i + 1));
        rules.m_rules << Rule{match, format};
    }
    return rules;
}

const SummaryRules& SummaryRules::builtIn()
{
    static const SummaryRules rules = [] {
        QFile file(QStringLiteral(":/hostdeck/results/summary-rules.json"));
        if (!file.open(QIODevice::ReadOnly))
            return SummaryRules{};
        engine::Result<SummaryRules> parsed = parse(file.readAll());
        return parsed ? std::move(parsed).value() : SummaryRules{};
    }();
    return rules;
}

QString SummaryRules::formatFor(const QString& tool, const QString& method) const
{
    const QString exact = tool + QLatin1Char('.') + method;
    const QString any = tool + QStringLiteral(".*");
    for (const Rule& rule : m_rules) {
        if (rule.match == exact || rule.match == any)
            return rule.format;
    }
    return {};
}

} // namespace hostdeck::ui
