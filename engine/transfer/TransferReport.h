#pragma once

#include <QElapsedTimer>
#include <QJsonObject>
#include <QStringList>

namespace hostdeck::engine {

/// What a copy, fetch or sync did (or in check mode would do) on one host: the record's
/// `value` {dest, changed, copied, deleted, created, attributes, skipped, counts, bytes,
/// bytes_sent, truncated}. Lists keep the first kListLimit paths; counts are exact.
class TransferReport
{
public:
    static constexpr int kListLimit = 1000;

    void setDest(const QString& dest) { m_dest = dest; }
    void copied(const QString& path, qint64 bytes);
    void deleted(const QString& path) { add(m_deleted, m_counts.deleted, path); }
    void created(const QString& path) { add(m_created, m_counts.created, path); }
    void attributes(const QString& path) { add(m_attributes, m_counts.attributes, path); }
    void skipped(const QString& path) { add(m_skipped, m_counts.skipped, path); }
    void unchanged(int count) { m_counts.unchanged += count; }
    void sent(qint64 bytes) { m_bytesSent += bytes; }

    bool changed() const
    {
        return m_counts.copied + m_counts.deleted + m_counts.created + m_counts.attributes > 0;
    }
    qint64 bytesSent() const { return m_bytesSent; }
    int copiedCount() const { return m_counts.copied; }
    QJsonObject toJson(bool check) const;

private:
    struct Counts
    {
        int copied = 0;
        int deleted = 0;
        int created = 0;
        int attributes = 0;
        int unchanged = 0;
        int skipped = 0;
    };
    void add(QStringList& list, int& count, const QString& path);

    QString m_dest;
    QStringList m_copied, m_deleted, m_created, m_attributes, m_skipped;
    Counts m_counts;
    qint64 m_bytes = 0;
    qint64 m_bytesSent = 0;
    bool m_truncated = false;
};

/// Bytes and files of a transfer against its totals, with the rate, for `progress` events:
/// {bytes, total, files, files_total, rate (bytes/s), elapsed_ms}. due() limits how often
/// they are sent (a GUI needs a few per second, not one per chunk).
class TransferMeter
{
public:
    void addTotals(qint64 bytes, int files);
    void add(qint64 bytes, int files);
    QJsonObject toJson() const;
    /// True at most every `intervalMs` (and always the first time).
    bool due(qint64 intervalMs = 250);
    qint64 bytes() const { return m_bytes; }

private:
    QElapsedTimer m_clock;
    qint64 m_lastMs = -1;
    qint64 m_bytes = 0;
    qint64 m_total = 0;
    int m_files = 0;
    int m_filesTotal = 0;
};

} // namespace hostdeck::engine
