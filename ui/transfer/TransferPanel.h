#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace hostdeck::engine {
class RunHandle;
struct RunSummary;
} // namespace hostdeck::engine

namespace hostdeck::ui {

class TransferProgressModel;

/// The live view of the current transfer run: a row per host with a progress bar, bytes of
/// the total and the rate, a summary line, and Cancel (which cancels the run through its
/// handle). The results themselves go to the run's results tab.
class TransferPanel : public QWidget
{
    Q_OBJECT
public:
    explicit TransferPanel(QWidget* parent = nullptr);

    /// Shows `run` from now on (the previous run keeps running, it is just no longer shown).
    void attach(engine::RunHandle* run, const QString& title);
    bool isRunning() const;
    void cancel();

    TransferProgressModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QLabel* summaryLabel() const { return m_summary; }
    QPushButton* cancelButton() const { return m_cancel; }

signals:
    void runFinished(const hostdeck::engine::RunSummary& summary);

private:
    void updateSummary();

    TransferProgressModel* m_model;
    QTableView* m_table;
    QLabel* m_title;
    QLabel* m_summary;
    QPushButton* m_cancel;
    QPointer<engine::RunHandle> m_run;
    QString m_end;
};

} // namespace hostdeck::ui
