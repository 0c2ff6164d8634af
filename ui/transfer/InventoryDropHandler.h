#pragma once

#include <QObject>
#include <QPointer>

#include <functional>

class QAbstractItemView;
class QMimeData;
class QModelIndex;

namespace hostdeck::ui {

/// Lets local files and folders be dropped on hosts or a group of an inventory view (the view
/// stays its owner's: this only filters its viewport's drag and drop events, and lets every
/// other drag — moving hosts between groups — through). `patternAt` says which hosts an index
/// stands for (a host, a group, the selection it belongs to); an empty pattern refuses the drop.
class InventoryDropHandler final : public QObject
{
    Q_OBJECT
public:
    using PatternAt = std::function<QString(const QModelIndex&)>;

    InventoryDropHandler(QAbstractItemView* view, PatternAt patternAt, QObject* parent = nullptr);

    /// The local paths of a drag (file URLs only), empty when it carries none.
    static QStringList localPaths(const QMimeData* mime);

signals:
    void filesDropped(const QStringList& paths, const QString& pattern);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QString patternAtPoint(const QPoint& point) const;

    QPointer<QAbstractItemView> m_view;
    PatternAt m_patternAt;
};

} // namespace hostdeck::ui
