#pragma once

#include <QPointer>
#include <QWidget>

namespace hostdeck::ui {

class RunResultsModel;

/// A run as a picture: one bar per host on a common time axis, from the host.state event times
/// — waiting for a fork slot, connecting (and starting the agent), running its program — ending
/// when its record arrived, coloured by its status. Clicking a bar asks for that host's result.
class RunTimeline : public QWidget
{
    Q_OBJECT
public:
    explicit RunTimeline(QWidget* parent = nullptr);

    void setModel(RunResultsModel* model);
    /// The bar of `host` (the whole row), in widget coordinates; empty when it has none.
    QRect barRect(const QString& host) const;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void hostClicked(const QString& host);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    bool event(QEvent* event) override;

private:
    struct Layout
    {
        int labelWidth = 0;
        int rowHeight = 0;
        int top = 0; ///< first row's y (below the axis)
        int left = 0;
        int right = 0;
        qint64 spanMs = 1;
    };
    Layout layout() const;
    int xOf(const Layout& l, qint64 ms) const;
    int rowAt(const QPoint& pos) const;
    QString describe(int row) const;

    QPointer<RunResultsModel> m_model;
};

} // namespace hostdeck::ui
