#pragma once

#include "engine/agent/ToolCatalog.h"

#include <QAbstractItemModel>

namespace hostdeck::ui {

/// Tools and their methods as a two-level tree for the palette. Custom tools (from the user
/// tools folder) carry a marker. Internal methods (protocol pieces such as upload_chunk, which
/// only the engine's own programs call) are left out, and so is a tool that has nothing else.
class ToolPaletteModel final : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Role
    {
        ToolRole = Qt::UserRole + 1,
        MethodRole,
        CustomRole,
        SearchTextRole
    };

    explicit ToolPaletteModel(QObject* parent = nullptr);

    void setCatalog(const engine::ToolCatalog& catalog);
    const engine::ToolCatalog& catalog() const { return m_catalog; }
    QModelIndex indexOf(const QString& tool, const QString& method) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    struct ToolRow
    {
        int tool = 0;       ///< index in the catalog's tools
        QList<int> methods; ///< indexes of its methods users may call
    };
    const engine::ToolInfo& toolAt(int row) const;

    engine::ToolCatalog m_catalog;
    QList<ToolRow> m_rows;
};

} // namespace hostdeck::ui
