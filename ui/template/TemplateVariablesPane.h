#pragma once

#include "ui/template/TemplateVariables.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTreeWidget;

namespace hostdeck::ui {

/// Picks the host a preview is rendered for and shows the variables it gets: merged inventory
/// variables, facts and the extra variables typed here (YAML or JSON), each with its source.
/// A view: the window supplies hosts and variables and reacts to its signals.
class TemplateVariablesPane final : public QWidget
{
    Q_OBJECT
public:
    explicit TemplateVariablesPane(QWidget* parent = nullptr);

    /// Inventory host names; "this machine" (empty name) always comes first.
    void setHosts(const QStringList& hosts);
    QString currentHost() const; ///< empty = this machine
    void setCurrentHost(const QString& host);
    bool renderOnSelectedHost() const;

    void setVariables(const TemplateVariables& vars);
    void setFactsState(const QString& text);
    QString extraText() const;
    void setExtraText(const QString& text);
    /// The parsed extra variables; an error is also shown under the editor.
    engine::Result<QVariantMap> extraVariables() const;

    QComboBox* hostBox() const { return m_host; }
    QCheckBox* renderOnHostBox() const { return m_renderOnHost; }
    QTreeWidget* tree() const { return m_tree; }
    QLabel* factsLabel() const { return m_factsState; }
    QLabel* extraErrorLabel() const { return m_extraError; }

signals:
    void currentHostChanged(const QString& host);
    void renderLocationChanged(bool onSelectedHost);
    void extraVariablesChanged();
    void refreshFactsRequested();

private:
    void onExtraEdited();

    QComboBox* m_host;
    QCheckBox* m_renderOnHost;
    QPushButton* m_refresh;
    QLabel* m_factsState;
    QTreeWidget* m_tree;
    QPlainTextEdit* m_extra;
    QLabel* m_extraError;
};

} // namespace hostdeck::ui
