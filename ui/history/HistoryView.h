#pragma once

#include "history/HistoryRun.h"

#include <QWidget>

class QLabel;
class QTableView;

namespace hostdeck::engine {
class RunHistory;
}

namespace hostdeck::ui {

class HistoryModel;

/// The history list: every stored run, newest first; reopen its results or run it again.
class HistoryView : public QWidget
{
    Q_OBJECT
public:
    explicit HistoryView(QWidget* parent = nullptr);

    /// `history` may be null; `problem` then says why (e.g. a corrupt database).
    void setHistory(engine::RunHistory* history, const QString& problem = {});
    void refresh();
    QTableView* table() const { return m_table; }
    HistoryModel* model() const { return m_model; }
    /// The run of the current row (id 0 when none).
    engine::HistoryRun currentRun() const;

signals:
    void reopenRequested(qint64 historyId);
    void rerunRequested(const hostdeck::engine::HistoryRun& run);

private:
    engine::RunHistory* m_history = nullptr;
    HistoryModel* m_model;
    QTableView* m_table;
    QLabel* m_status;
};

} // namespace hostdeck::ui
