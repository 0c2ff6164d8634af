#pragma once

#include "ssh/HostKeyDecider.h"

#include <QDialog>

#include <functional>

class QTableWidget;

namespace hostdeck::ui {

/// Unknown host keys to review: host, key type and SHA256 fingerprint per row; accept once,
/// accept and save to known_hosts, or reject — for the selected rows or all of them. Keys that
/// arrive while it is open join the table. Closing it rejects whatever is left.
class HostKeyDialog : public QDialog
{
    Q_OBJECT
public:
    explicit HostKeyDialog(QWidget* parent = nullptr);
    ~HostKeyDialog() override;

    void addQuestion(const engine::HostKeyQuestion& question, std::function<void(engine::HostKeyDecision)> reply);
    int pendingCount() const { return int(m_replies.size()); }
    /// Answers the selected rows, or every row when none is selected.
    void decide(engine::HostKeyDecision decision);

protected:
    void done(int result) override;

private:
    QTableWidget* m_table;
    QList<std::function<void(engine::HostKeyDecision)>> m_replies;
};

} // namespace hostdeck::ui
