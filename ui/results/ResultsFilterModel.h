#pragma once

#include <QSortFilterProxyModel>

namespace hostdeck::ui {

/// Sorting and the "failed only" / "changed only" / host text filters over a RunResultsModel.
class ResultsFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    enum class Mode
    {
        All,
        Failed,
        Changed
    };

    explicit ResultsFilterModel(QObject* parent = nullptr);
    void setMode(Mode mode);
    Mode mode() const { return m_mode; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    Mode m_mode = Mode::All;
};

} // namespace hostdeck::ui
