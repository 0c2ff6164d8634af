#pragma once

#include "engine/runner/HostResult.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTableView;

namespace hostdeck::ui {

class StepResultsModel;

/// The steps of one host of a recipe run: a table (step, status, changed, duration) and, for
/// the selected step, its output, diff, error and value.
class StepsPane final : public QWidget
{
    Q_OBJECT
public:
    explicit StepsPane(QWidget* parent = nullptr);

    /// Shows `steps` (a host record's steps); the selected step stays selected when it is
    /// still there.
    void setSteps(const QList<engine::HostResult>& steps);
    StepResultsModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QPlainTextEdit* stepDetail() const { return m_detail; }
    /// What the detail shows for `step` (sections: output, diff, error, value).
    static QString detailText(const engine::HostResult& step);

private:
    void showCurrent();

    StepResultsModel* m_model;
    QTableView* m_table;
    QLabel* m_hint;
    QPlainTextEdit* m_detail;
};

} // namespace hostdeck::ui
