#include "engine/inventory/HostPattern.h"

#include "engine/inventory/HostAddress.h"
#include "engine/inventory/HostRange.h"
#include "engine/inventory/InventoryLimits.h"

#include <QRegularExpression>
#include <QSet>

namespace hostdeck::engine {

namespace {

/// Python's fnmatch.translate: the whole name must match.
QString globToRegex(const QString& glob)
{
    QString re;
    const qsizetype n = glob.size();
    qsizetype i = 0;
    while (i < n) {
        const QChar c = glob.at(i++);
        if (c == QLatin1Char('*')) {
            if (!re.endsWith(QLatin1String(".*")))
                re += QLatin1String(".*");
        } else if (c == QLatin1Char('?')) {
            re += QLatin1Char('.');
        } else if (c == QLatin1Char('[')) {
            qsizetype j = i;
            if (j < n && glob.at(j) == QLatin1Char('!'))
                ++j;
            if (j < n && glob.at(j) == QLatin1Char(']'))
                ++j;
            while (j < n && glob.at(j) != QLatin1Char(']'))
                ++j;
            if (j >= n) {
                re += QLatin1String("\\[");
                continue;
            }
            QString set = glob.mid(i, j - i);
            i = j + 1;
            set.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
            set.replace(QLatin1Char('['), QLatin1String("\\["));
            if (set.startsWith(QLatin1Char('!')))
                set.replace(0, 1, QLatin1Char('^'));
            else if (set.startsWith(QLatin1Char('^')))
                set.prepend(QLatin1Char('\\'));
            re += QLatin1Char('[') + set + QLatin1Char(']');
        } else {
            re += QRegularExpression::escape(QString(c));
        }
    }
    return QLatin1String("(?s:") + re + QLatin1String(")\\z");
}

struct Subscript
{
    qsizetype start = 0;
    std::optional<qsizetype> end; ///< nullopt: a single index
};

struct Term
{
    QString expr;
    std::optional<Subscript> subscript;
};

Term splitSubscript(const QString& pattern)
{
    if (pattern.startsWith(QLatin1Char('~')))
        return Term{pattern, std::nullopt};
    static const QRegularExpression re(
        QStringLiteral(R"(^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$)"));
    const QRegularExpressionMatch m = re.match(pattern);
    if (!m.hasMatch())
        return Term{pattern, std::nullopt};
    Subscript s;
    if (!m.captured(2).isEmpty()) {
        s.start = m.captured(2).toLongLong();
    } else {
        s.start = m.captured(3).toLongLong();
        s.end = m.captured(5).isEmpty() ? -1 : m.captured(5).toLongLong();
    }
    return Term{m.captured(1), s};
}

class Evaluator
{
public:
    Evaluator(const Inventory& inventory, PatternMatch& result)
        : m_inventory(inventory), m_result(result)
    {
    }

    /// The hosts one term (without its & or !) selects; false on an error.
    bool matchOne(const QString& pattern, QStringList& hosts)
    {
        const Term term = splitSubscript(pattern);
        bool matchedGroup = false;
        if (!enumerate(term.expr, hosts, matchedGroup))
            return false;
        static const QRegularExpression range(QStringLiteral(R"(\[[^\]:]*:[^\]]*\])"));
        if (hosts.isEmpty() && !matchedGroup && !term.expr.startsWith(QLatin1Char('~')) &&
            pattern.contains(range))
            return byRange(pattern, hosts);
        if (hosts.isEmpty() && !matchedGroup && pattern != Inventory::allGroup())
            m_result.warnings.append(
                QStringLiteral("Could not match supplied host pattern, ignoring: %1").arg(pattern));
        if (!term.subscript || hosts.isEmpty())
            return true;
        const qsizetype size = hosts.size();
        const Subscript& s = *term.subscript;
        if (s.end && *s.end != 0) {
            const qsizetype end = *s.end == -1 ? size - 1 : *s.end;
            const qsizetype from = std::min(s.start, size);
            const qsizetype to = std::min(end + 1, size);
            hosts = to > from ? hosts.mid(from, to - from) : QStringList();
            return true;
        }
        const qsizetype index = s.start < 0 ? s.start + size : s.start;
        if (index < 0 || index >= size) {
            m_result.error =
                QStringLiteral("No hosts matched the subscripted pattern '%1'").arg(pattern);
            return false;
        }
        hosts = QStringList{hosts.at(index)};
        return true;
    }

private:
    bool compile(const QString& expr, QRegularExpression& re)
    {
        const bool regex = expr.startsWith(QLatin1Char('~'));
        re = QRegularExpression(regex ? expr.mid(1) : globToRegex(expr),
                                QRegularExpression::UseUnicodePropertiesOption);
        if (!re.isValid()) {
            m_result.error =
                QStringLiteral("Invalid host list pattern: %1 (%2)").arg(expr, re.errorString());
            return false;
        }
        return true;
    }

    static bool matches(const QRegularExpression& re, const QString& name)
    {
        return re
            .match(name, 0, QRegularExpression::NormalMatch,
                   QRegularExpression::AnchorAtOffsetMatchOption)
            .hasMatch();
    }

    bool enumerate(const QString& expr, QStringList& hosts, bool& matchedGroup)
    {
        QRegularExpression re;
        if (!compile(expr, re))
            return false;
        for (const QString& g : m_inventory.groupNames()) {
            if (matches(re, g)) {
                matchedGroup = true;
                hosts.append(m_inventory.hostsOf(g));
            }
        }
        static const QRegularExpression special(QStringLiteral(R"([.?*\[])"));
        if (!matchedGroup || expr.startsWith(QLatin1Char('~')) || expr.contains(special)) {
            for (const Host& h : m_inventory.hosts()) {
                if (matches(re, h.name()))
                    hosts.append(h.name());
            }
        }
        return true;
    }

    bool byRange(const QString& pattern, QStringList& hosts)
    {
        const Result<QStringList> names =
            HostRange::expand(pattern, InventoryLimits::maxHostsPerPattern);
        if (!names) {
            m_result.warnings.append(names.error().message);
            return true;
        }
        for (const QString& name : *names) {
            if (m_inventory.hasGroup(name))
                hosts.append(m_inventory.hostsOf(name));
            else if (m_inventory.hasHost(name))
                hosts.append(name);
        }
        if (hosts.isEmpty())
            m_result.warnings.append(
                QStringLiteral("Could not match supplied host pattern, ignoring: %1").arg(pattern));
        return true;
    }

    const Inventory& m_inventory;
    PatternMatch& m_result;
};

} // namespace

QStringList HostPattern::splitTerms(const QString& pattern)
{
    QStringList terms;
    if (pattern.contains(QLatin1Char(','))) {
        terms = pattern.split(QLatin1Char(','));
    } else if (HostAddress::parse(pattern, true)) {
        terms = QStringList{pattern};
    } else {
        static const QRegularExpression word(QStringLiteral(R"((?:[^\s:\[\]]|\[[^\]]*\])+)"));
        for (const QRegularExpressionMatch& m : word.globalMatch(pattern))
            terms.append(m.captured());
    }
    QStringList cleaned;
    for (const QString& term : terms) {
        if (!term.trimmed().isEmpty())
            cleaned.append(term.trimmed());
    }
    return cleaned;
}

PatternMatch HostPattern::resolve(const Inventory& inventory, const QString& pattern)
{
    QStringList regular;
    QStringList intersections;
    QStringList exclusions;
    for (const QString& term : splitTerms(pattern)) {
        if (term.startsWith(QLatin1Char('&')))
            intersections.append(term);
        else if (term.startsWith(QLatin1Char('!')))
            exclusions.append(term);
        else
            regular.append(term);
    }
    if (regular.isEmpty())
        regular.append(Inventory::allGroup());

    PatternMatch result;
    Evaluator evaluator(inventory, result);
    QStringList selected;
    QSet<QString> present;
    for (const QStringList* list : {&regular, &intersections, &exclusions}) {
        for (const QString& term : *list) {
            if (inventory.hasHost(term)) { // a plain host name is that host, even if a group too
                if (!present.contains(term)) {
                    present.insert(term);
                    selected.append(term);
                }
                continue;
            }
            const bool modified = list != &regular;
            QStringList that;
            if (!evaluator.matchOne(modified ? term.mid(1) : term, that))
                return PatternMatch{{}, result.warnings, result.error};
            const QSet<QString> thatSet(that.cbegin(), that.cend());
            if (list == &regular) {
                for (const QString& h : that) {
                    if (!present.contains(h)) {
                        present.insert(h);
                        selected.append(h);
                    }
                }
                continue;
            }
            QStringList kept;
            for (const QString& h : selected) {
                if (thatSet.contains(h) == (list == &intersections))
                    kept.append(h);
            }
            selected = std::move(kept);
            present = QSet<QString>(selected.cbegin(), selected.cend());
        }
    }
    result.hosts = selected;
    return result;
}

} // namespace hostdeck::engine
