#include "engine/transfer/TransferReport.h"

#include <QJsonArray>

namespace hostdeck::engine {

void TransferReport::add(QStringList& list, int& count, const QString& path)
{
    ++count;
    if (list.size() < kListLimit)
        list << path;
    else
        m_truncated = true;
}

void TransferReport::copied(const QString& path, qint64 bytes)
{
    add(m_copied, m_counts.copied, path);
    m_bytes += bytes;
}

QJsonObject TransferReport::toJson(bool check) const
{
    QJsonObject json{
        {QStringLiteral("dest"), m_dest},
        {QStringLiteral("changed"), changed()},
        {QStringLiteral("copied"), QJsonArray::fromStringList(m_copied)},
        {QStringLiteral("deleted"), QJsonArray::fromStringList(m_deleted)},
        {QStringLiteral("created"), QJsonArray::fromStringList(m_created)},
        {QStringLiteral("attributes"), QJsonArray::fromStringList(m_attributes)},
        {QStringLiteral("counts"), QJsonObject{{QStringLiteral("copied"), m_counts.copied},
                                               {QStringLiteral("deleted"), m_counts.deleted},
                                               {QStringLiteral("created"), m_counts.created},
                                               {QStringLiteral("attributes"), m_counts.attributes},
                                               {QStringLiteral("unchanged"), m_counts.unchanged},
                                               {QStringLiteral("skipped"), m_counts.skipped}}},
        {QStringLiteral("bytes"), m_bytes},
        {QStringLiteral("bytes_sent"), m_bytesSent},
        {QStringLiteral("truncated"), m_truncated}};
    if (!m_skipped.isEmpty())
        json.insert(QStringLiteral("skipped"), QJsonArray::fromStringList(m_skipped));
    if (check)
        json.insert(QStringLiteral("check"), true);
    return json;
}

void TransferMeter::addTotals(qint64 bytes, int files)
{
    if (!m_clock.isValid())
        m_clock.start();
    m_total += bytes;
    m_filesTotal += files;
}

void TransferMeter::add(qint64 bytes, int files)
{
    if (!m_clock.isValid())
        m_clock.start();
    m_bytes += bytes;
    m_files += files;
}

QJsonObject TransferMeter::toJson() const
{
    const qint64 elapsed = m_clock.isValid() ? m_clock.elapsed() : 0;
    const double rate = elapsed > 0 ? double(m_bytes) * 1000.0 / double(elapsed) : 0.0;
    return {{QStringLiteral("bytes"), m_bytes},     {QStringLiteral("total"), m_total},
            {QStringLiteral("files"), m_files},     {QStringLiteral("files_total"), m_filesTotal},
            {QStringLiteral("rate"), qint64(rate)}, {QStringLiteral("elapsed_ms"), elapsed}};
}

bool TransferMeter::due(qint64 intervalMs)
{
    if (!m_clock.isValid())
        m_clock.start();
    const qint64 now = m_clock.elapsed();
    if (m_lastMs >= 0 && now - m_lastMs < intervalMs)
        return false;
    m_lastMs = now;
    return true;
}

} // namespace hostdeck::engine
