#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTabWidget;
class QTreeView;

namespace hostdeck::ui {

class JsonTreeModel;
class RunResultsModel;
class StepsPane;

/// The selected host of a run: its value as a tree and as JSON, its stdout/stderr (live while the
/// call runs), a highlighted diff when the value carries one, and the remote traceback of an error.
/// For a host of a recipe run, its steps (StepsPane) come first.
class ResultDetailView : public QWidget
{
    Q_OBJECT
public:
    explicit ResultDetailView(QWidget* parent = nullptr);

    void setModel(RunResultsModel* model);
    /// Shows the host's row (-1: nothing).
    void showRow(int sourceRow);
    QString currentHost() const { return m_host; }

    QTabWidget* tabs() const { return m_tabs; }
    QTreeView* valueTree() const { return m_tree; }
    QPlainTextEdit* outputView() const { return m_output; }
    QPlainTextEdit* diffView() const { return m_diff; }
    QPlainTextEdit* errorView() const { return m_error; }
    QLabel* header() const { return m_header; }
    StepsPane* stepsPane() const { return m_steps; }

private:
    void refresh();
    void refreshOutput();

    QPointer<RunResultsModel> m_model;
    QString m_host;
    QLabel* m_header;
    QTabWidget* m_tabs;
    QTreeView* m_tree;
    JsonTreeModel* m_json;
    QPlainTextEdit* m_raw;
    QPlainTextEdit* m_output;
    QPlainTextEdit* m_diff;
    QPlainTextEdit* m_error;
    StepsPane* m_steps;
    bool m_hostChanged = false;
};

} // namespace hostdeck::ui
