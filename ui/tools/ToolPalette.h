#pragma once

#include "engine/agent/ToolCatalog.h"

#include <QWidget>

class QLineEdit;
class QSortFilterProxyModel;
class QTreeView;

namespace hostdeck::ui {

class ToolPaletteModel;

/// The searchable list of tools and methods. Picking a method emits methodChosen(); moving onto
/// a tool's header emits noMethodChosen() (nothing runs until a method is picked again). Down or
/// Enter in the search field moves to the first matching method.
class ToolPalette : public QWidget
{
    Q_OBJECT
public:
    explicit ToolPalette(QWidget* parent = nullptr);

    void setCatalog(const engine::ToolCatalog& catalog);
    const engine::ToolCatalog& catalog() const;
    /// Selects the method (and emits methodChosen), clearing a search that hides it; false when
    /// it does not exist.
    bool select(const QString& tool, const QString& method);
    QLineEdit* searchField() const { return m_search; }
    QTreeView* view() const { return m_view; }

signals:
    void methodChosen(const hostdeck::engine::MethodInfo& method);
    void noMethodChosen();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void onCurrentChanged();
    bool selectFirstMatch();

    ToolPaletteModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QLineEdit* m_search;
    QTreeView* m_view;
};

} // namespace hostdeck::ui
