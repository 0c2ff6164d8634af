#pragma once

#include <QTabWidget>

class QSettings;

namespace hostdeck::ui {

class RunView;

/// The results tabs: one per run, at most maxUnpinned() of them unpinned — a new run closes the
/// oldest unpinned tab whose run is over. A pinned tab (tab menu: Pin) stays until it is closed
/// by hand. Check-mode runs are marked in the title. The table and splitter layout of a new tab
/// follow the last one the user arranged (QSettings).
class RunTabs final : public QTabWidget
{
    Q_OBJECT
public:
    explicit RunTabs(QSettings* settings, QWidget* parent = nullptr);

    /// A new tab for a run titled `title` ("(check)" added for a dry run); made current.
    RunView* addRun(const QString& title, bool check);
    RunView* view(int index) const;
    bool isPinned(int index) const;
    void setPinned(int index, bool pinned);
    int maxUnpinned() const { return m_maxUnpinned; }
    void setMaxUnpinned(int count);
    /// Remembers the current tab's table header and splitter for the next tabs.
    void saveLayout();
    void closeTab(int index);

signals:
    void exportRequested(hostdeck::ui::RunView* view);

private:
    void showTabMenu(const QPoint& pos);
    void enforceBound(const QWidget* keep);
    void updateTabLook(int index);

    QSettings* m_settings;
    int m_maxUnpinned = 8;
};

} // namespace hostdeck::ui
