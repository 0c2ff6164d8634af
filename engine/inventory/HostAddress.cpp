#include "engine/inventory/HostAddress.h"

#include <QRegularExpression>

namespace hostdeck::engine {

namespace {

using Options = QRegularExpression::PatternOptions;

QRegularExpression compile(const QString& pattern, Options extra = {})
{
    return QRegularExpression(pattern, QRegularExpression::ExtendedPatternSyntaxOption | extra);
}

// Range forms allowed inside an address: [1:9], [a:f] (letters in names), hex in IPv6 parts.
const QString numericRange = QStringLiteral(R"(\[ (?:[0-9]+:[0-9]+) (?::[0-9]+)? \])");
const QString hexRange = QStringLiteral(R"(\[ (?:[0-9a-f]+:[0-9a-f]+) (?::[0-9]+)? \])");
const QString nameRange = QStringLiteral(R"(\[ (?:[a-z]:[a-z]|[0-9]+:[0-9]+) (?::[0-9]+)? \])");

const QRegularExpression& bracketedPort()
{
    static const QRegularExpression re = compile(QStringLiteral(R"(^ \[(.+)\] :([0-9]+) $)"));
    return re;
}

const QRegularExpression& hostPort()
{
    static const QRegularExpression re =
        compile(QStringLiteral(R"(^ ((?: [^:\[\]] | \[[^\]]*\] )*) :([0-9]+) $)"));
    return re;
}

const QRegularExpression& ipv4()
{
    static const QRegularExpression re = [] {
        const QString part = QStringLiteral(R"((?: [01]?[0-9]{1,2} | 2[0-4][0-9] | 25[0-5] | %1 ))")
                                 .arg(numericRange);
        return compile(QStringLiteral(R"(^ (?:%1\.){3}%1 $)").arg(part),
                       QRegularExpression::CaseInsensitiveOption);
    }();
    return re;
}

const QRegularExpression& ipv6()
{
    static const QRegularExpression re = [] {
        const QString h = QStringLiteral(R"((?: [0-9a-f]{1,4} | %1 ))").arg(hexRange);
        const QString forms[] = {QStringLiteral("(?:%1:){7}%1"),
                                 QStringLiteral("(?:%1:){1,6}:"),
                                 QStringLiteral("(?:%1:)(?::%1){1,6}"),
                                 QStringLiteral("(?:%1:){2}(?::%1){1,5}"),
                                 QStringLiteral("(?:%1:){3}(?::%1){1,4}"),
                                 QStringLiteral("(?:%1:){4}(?::%1){1,3}"),
                                 QStringLiteral("(?:%1:){5}(?::%1){1,2}"),
                                 QStringLiteral("(?:%1:){6}(?::%1)"),
                                 QStringLiteral(":(?::%1){1,6}"),
                                 QStringLiteral("%1?::"),
                                 QStringLiteral(R"((?:0:){6}(?:%1\.){3}%1)"),
                                 QStringLiteral(R"(::(?:ffff:)?(?:%1\.){3}%1)"),
                                 QStringLiteral(R"((?:0:){5}ffff:(?:%1\.){3}%1)")};
        QStringList alternatives;
        for (const QString& form : forms)
            alternatives.append(QString(form).replace(QStringLiteral("%1"), h));
        // Ansible writes `^a|b|...|z$` and matches from the start: every alternative is anchored
        // at the start, only the last one at the end too (so `fe80::1:web` counts as IPv6).
        return compile(QStringLiteral("^(?:") + alternatives.join(QLatin1Char('|')) +
                           QStringLiteral("$)"),
                       QRegularExpression::CaseInsensitiveOption);
    }();
    return re;
}

const QRegularExpression& hostname()
{
    static const QRegularExpression re = [] {
        const QString label =
            QStringLiteral(R"((?: [\w] | %1 ) (?: [\w_-] | %1 )* (?<![_-]))").arg(nameRange);
        return compile(QStringLiteral(R"(^ %1 (?:\.%1)* $)").arg(label),
                       QRegularExpression::CaseInsensitiveOption |
                           QRegularExpression::UseUnicodePropertiesOption);
    }();
    return re;
}

} // namespace

std::optional<HostAddress> HostAddress::parse(const QString& text, bool allowRanges)
{
    QString address = text;
    int port = -1;
    // Both forms are tried in turn on what is left, as Ansible does.
    for (const QRegularExpression* re : {&bracketedPort(), &hostPort()}) {
        const QRegularExpressionMatch m = re->match(address);
        if (m.hasMatch()) {
            bool ok = false;
            const int value = m.captured(2).toInt(&ok);
            port = ok ? value : 0;
            address = m.captured(1);
        }
    }
    const bool valid = ipv4().match(address).hasMatch() || ipv6().match(address).hasMatch() ||
                       hostname().match(address).hasMatch();
    if (!valid || address.isEmpty())
        return std::nullopt;
    if (!allowRanges && address.contains(QLatin1Char('[')))
        return std::nullopt;
    return HostAddress{address, port};
}

} // namespace hostdeck::engine
