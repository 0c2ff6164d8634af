#pragma once

#include "engine/ssh/HostKeyDecider.h"

#include <QDialog>
#include <QHash>

#include <functional>

class QTreeWidget;
class QTreeWidgetItem;

namespace hostdeck::ui {

/// Unknown host keys to review, grouped by key: one top row per fingerprint (key type, SHA256,
/// how many hosts presented it), under it the hosts by their inventory name (with the address
/// they were reached at, and whether the key is a jump host's), sorted by name. Checking a key
/// checks its hosts. Accept once, accept and save to known_hosts, or reject — for the checked
/// hosts, else the selected ones (a selected key: all its hosts), else all of them. Keys that
/// arrive while it is open join the tree. Closing it rejects whatever is left.
class HostKeyDialog : public QDialog
{
    Q_OBJECT
public:
    explicit HostKeyDialog(QWidget* parent = nullptr);
    ~HostKeyDialog() override;

    void addQuestion(const engine::HostKeyQuestion& question,
                     std::function<void(engine::HostKeyDecision)> reply);
    int pendingCount() const { return int(m_replies.size()); }
    /// Answers the checked hosts, else the selected ones, else every host.
    void decide(engine::HostKeyDecision decision);
    /// Checks the row of a host, by inventory name or `address:port`.
    bool setChecked(const QString& host, bool checked);
    QTreeWidget* tree() const { return m_tree; }

protected:
    void done(int result) override;

private:
    QTreeWidgetItem* keyItem(const engine::HostKeyQuestion& question);
    void updateKeyItem(QTreeWidgetItem* key);

    QTreeWidget* m_tree;
    quint64 m_nextId = 1;
    QHash<quint64, std::function<void(engine::HostKeyDecision)>> m_replies;
};

} // namespace hostdeck::ui
