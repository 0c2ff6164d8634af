#pragma once

#include "ssh/HostKeyDecider.h"

#include <QDialog>

#include <functional>

class QTableWidget;

namespace hostdeck::ui {

/// Unknown host keys to review: host (with a checkbox), key type and SHA256 fingerprint per row;
/// accept once, accept and save to known_hosts, or reject — for the checked rows, else the
/// selected ones, else all of them. Keys that
/// arrive while it is open join the table. Closing it rejects whatever is left.
class HostKeyDialog : public QDialog
{
    Q_OBJECT
public:
    explicit HostKeyDialog(QWidget* parent = nullptr);
    ~HostKeyDialog() override;

    void addQuestion(const engine::HostKeyQuestion& question,
                     std::function<void(engine::HostKeyDecision)> reply);
    int pendingCount() const { return int(m_replies.size()); }
    /// Answers the checked rows, else the selected rows, else every row.
    void decide(engine::HostKeyDecision decision);
    /// Checks the row of `host:port` (for the keyboard-less review in tests and scripts).
    bool setChecked(const QString& hostPort, bool checked);

protected:
    void done(int result) override;

private:
    QTableWidget* m_table;
    QList<std::function<void(engine::HostKeyDecision)>> m_replies;
};

} // namespace hostdeck::ui
