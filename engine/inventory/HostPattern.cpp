#include "inventory/HostPattern.h"

#include "inventory/HostRange.h"

#include <QRegularExpression>
#include <QSet>

namespace hostdeck::engine {

namespace {

bool isGlob(const QString& term)
{
    return term.contains(QLatin1Char('*')) || term.contains(QLatin1Char('?')) ||
           term.contains(QLatin1Char('['));
}

QRegularExpression globToRegex(const QString& glob)
{
    QString re = QStringLiteral("^");
    for (qsizetype i = 0; i < glob.size(); ++i) {
        const QChar c = glob.at(i);
        if (c == QLatin1Char('*')) {
            re += QStringLiteral(".*");
        } else if (c == QLatin1Char('?')) {
            re += QLatin1Char('.');
        } else if (c == QLatin1Char('[')) {
            const qsizetype close = glob.indexOf(QLatin1Char(']'), i + 1);
            if (close < 0) {
                re += QStringLiteral("\\[");
                continue;
            }
            QString body = glob.mid(i + 1, close - i - 1);
            if (body.startsWith(QLatin1Char('!')))
                body.replace(0, 1, QLatin1Char('^'));
            re += QLatin1Char('[') + body.replace(QLatin1Char('\\'), QStringLiteral("\\\\")) +
                  QLatin1Char(']');
            i = close;
        } else {
            re += QRegularExpression::escape(QString(c));
        }
    }
    return QRegularExpression(re + QLatin1Char('$'));
}

class TermMatcher
{
public:
    explicit TermMatcher(const Inventory& inventory) : m_inventory(inventory) {}

    QSet<QString> match(const QString& term, QStringList& warnings) const
    {
        QSet<QString> hosts;
        if (term == Inventory::allGroup() || term == QLatin1String("*"))
            return toSet(m_inventory.hostsOf(Inventory::allGroup()));
        if (term.startsWith(QLatin1Char('~'))) {
            const QRegularExpression re(term.mid(1));
            if (!re.isValid()) {
                warnings.append(QStringLiteral("invalid regular expression in pattern '%1': %2")
                                    .arg(term, re.errorString()));
                return hosts;
            }
            addMatching(re, hosts);
        } else if (const auto slice = subscript(term)) {
            const QStringList members = m_inventory.hostsOf(slice->group);
            for (qsizetype i = slice->first; i <= slice->last && i < members.size(); ++i) {
                if (i >= 0)
                    hosts.insert(members.at(i));
            }
        } else if (HostRange::hasRange(term)) {
            const Result<QStringList> names = HostRange::expand(term);
            if (!names) {
                warnings.append(names.error().message);
                return hosts;
            }
            for (const QString& name : *names)
                hosts.unite(matchName(name));
        } else {
            hosts = matchName(term);
        }
        if (hosts.isEmpty())
            warnings.append(QStringLiteral("pattern '%1' matched no host or group").arg(term));
        return hosts;
    }

private:
    struct Slice
    {
        QString group;
        qsizetype first;
        qsizetype last;
    };

    std::optional<Slice> subscript(const QString& term) const
    {
        static const QRegularExpression re(
            QStringLiteral(R"(^(.+)\[(-?[0-9]+)(?:([:-])([0-9]*))?\]$)"));
        const QRegularExpressionMatch m = re.match(term);
        if (!m.hasMatch() || !m_inventory.hasGroup(m.captured(1)))
            return std::nullopt;
        const qsizetype size = m_inventory.hostsOf(m.captured(1)).size();
        qsizetype first = m.captured(2).toLongLong();
        if (first < 0)
            first += size;
        qsizetype last = first;
        if (!m.captured(3).isEmpty())
            last = m.captured(4).isEmpty() ? size - 1 : m.captured(4).toLongLong();
        return Slice{m.captured(1), first, last};
    }

    static QSet<QString> toSet(const QStringList& list)
    {
        return QSet<QString>(list.cbegin(), list.cend());
    }

    QSet<QString> matchName(const QString& name) const
    {
        if (!isGlob(name)) {
            QSet<QString> hosts;
            if (m_inventory.hasGroup(name))
                hosts = toSet(m_inventory.hostsOf(name));
            if (m_inventory.hasHost(name))
                hosts.insert(name);
            return hosts;
        }
        QSet<QString> hosts;
        addMatching(globToRegex(name), hosts);
        return hosts;
    }

    void addMatching(const QRegularExpression& re, QSet<QString>& hosts) const
    {
        QStringList groups;
        for (const Group& g : m_inventory.groups())
            groups.append(g.name);
        if (!groups.contains(Inventory::ungroupedGroup()))
            groups.append(Inventory::ungroupedGroup());
        for (const QString& g : groups) {
            if (re.match(g).hasMatch())
                hosts.unite(toSet(m_inventory.hostsOf(g)));
        }
        for (const Host& h : m_inventory.hosts()) {
            if (re.match(h.name()).hasMatch())
                hosts.insert(h.name());
        }
    }

    const Inventory& m_inventory;
};

} // namespace

QStringList HostPattern::splitTerms(const QString& pattern)
{
    QStringList terms;
    if (pattern.contains(QLatin1Char(','))) {
        terms = pattern.split(QLatin1Char(','));
    } else {
        QString current;
        int depth = 0;
        for (const QChar c : pattern) {
            if (c == QLatin1Char('['))
                ++depth;
            else if (c == QLatin1Char(']') && depth > 0)
                --depth;
            if (c == QLatin1Char(':') && depth == 0) {
                terms.append(current);
                current.clear();
            } else {
                current += c;
            }
        }
        terms.append(current);
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
            intersections.append(term.mid(1));
        else if (term.startsWith(QLatin1Char('!')))
            exclusions.append(term.mid(1));
        else
            regular.append(term);
    }
    if (regular.isEmpty())
        regular.append(Inventory::allGroup());

    PatternMatch result;
    const TermMatcher matcher(inventory);
    QSet<QString> selected;
    for (const QString& term : regular)
        selected.unite(matcher.match(term, result.warnings));
    for (const QString& term : intersections)
        selected.intersect(matcher.match(term, result.warnings));
    for (const QString& term : exclusions)
        selected.subtract(matcher.match(term, result.warnings));

    for (const Host& h : inventory.hosts()) {
        if (selected.contains(h.name()))
            result.hosts.append(h.name());
    }
    return result;
}

} // namespace hostdeck::engine
