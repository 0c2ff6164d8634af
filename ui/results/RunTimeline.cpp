#include "ui/results/RunTimeline.h"

#include "ui/results/ResultText.h"
#include "ui/results/RunResultsModel.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <cmath>

namespace hostdeck::ui {

namespace {

constexpr int kMargin = 6;
constexpr int kMaxLabelWidth = 220;

/// A round step for the axis: 1, 2 or 5 times a power of ten, about `wanted` ms.
qint64 niceStep(qint64 wanted)
{
    qint64 base = 1;
    while (base * 10 <= wanted)
        base *= 10;
    for (qint64 factor : {1, 2, 5, 10}) {
        if (base * factor >= wanted)
            return base * factor;
    }
    return base * 10;
}

QString axisLabel(qint64 ms, qint64 step)
{
    if (step < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    return QStringLiteral("%1 s").arg(double(ms) / 1000.0, 0, 'f', step % 1000 ? 1 : 0);
}

} // namespace

RunTimeline::RunTimeline(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("runTimeline"));
    setMouseTracking(true);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
}

void RunTimeline::setModel(RunResultsModel* model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (model) {
        auto refresh = [this] {
            updateGeometry();
            update();
        };
        connect(model, &QAbstractItemModel::rowsInserted, this, refresh);
        connect(model, &QAbstractItemModel::modelReset, this, refresh);
        connect(model, &QAbstractItemModel::dataChanged, this, [this] { update(); });
    }
    updateGeometry();
    update();
}

RunTimeline::Layout RunTimeline::layout() const
{
    Layout l;
    const QFontMetrics metrics = fontMetrics();
    l.rowHeight = metrics.height() + 6;
    l.top = kMargin + metrics.height() + 6; // the axis labels
    int widest = metrics.horizontalAdvance(tr("Host"));
    if (m_model) {
        for (int row = 0; row < m_model->rowCount(); ++row)
            widest = std::max(widest, metrics.horizontalAdvance(m_model->row(row).result.host));
    }
    // (+2: elidedText measures with fractional advances and would elide a name that fits)
    l.labelWidth = std::min(widest + 2, kMaxLabelWidth) + 2 * kMargin;
    l.left = l.labelWidth;
    l.right = std::max(l.left + 50,
                       width() - kMargin - metrics.horizontalAdvance(QStringLiteral("99.9 s")) / 2);
    l.spanMs = std::max<qint64>(1, m_model ? m_model->spanMs() : 1);
    return l;
}

int RunTimeline::xOf(const Layout& l, qint64 ms) const
{
    return l.left +
           int(double(l.right - l.left) * double(std::max<qint64>(0, ms)) / double(l.spanMs));
}

QSize RunTimeline::sizeHint() const
{
    const Layout l = layout();
    const int rows = m_model ? m_model->rowCount() : 0;
    return {600, l.top + rows * l.rowHeight + 2 * fontMetrics().height() + 3 * kMargin};
}

QSize RunTimeline::minimumSizeHint() const
{
    return {300, layout().top + 3 * fontMetrics().height()};
}

QRect RunTimeline::barRect(const QString& host) const
{
    const int row = m_model ? m_model->rowOf(host) : -1;
    if (row < 0)
        return {};
    const Layout l = layout();
    return {l.left, l.top + row * l.rowHeight + 2, l.right - l.left, l.rowHeight - 4};
}

int RunTimeline::rowAt(const QPoint& pos) const
{
    if (!m_model)
        return -1;
    const Layout l = layout();
    if (pos.y() < l.top)
        return -1;
    const int row = (pos.y() - l.top) / l.rowHeight;
    return row < m_model->rowCount() ? row : -1;
}

QString RunTimeline::describe(int row) const
{
    const RunResultsModel::Row& r = m_model->row(row);
    const auto seconds = [](qint64 ms) { return QString::number(double(ms) / 1000.0, 'f', 2); };
    QStringList parts;
    const qint64 started = r.connectAtMs >= 0 ? r.connectAtMs : r.runAtMs;
    if (started > 0)
        parts << tr("waited %1 s for a slot").arg(seconds(started));
    if (r.connectAtMs >= 0) {
        const qint64 end = r.runAtMs >= 0 ? r.runAtMs : r.endAtMs;
        if (end >= 0)
            parts << tr("connect and agent start %1 s").arg(seconds(end - r.connectAtMs));
    }
    if (r.runAtMs >= 0 && r.endAtMs >= 0)
        parts << tr("ran %1 s").arg(seconds(r.endAtMs - r.runAtMs));
    const ResultText::Status status =
        r.done ? ResultText::status(r.result) : ResultText::status(r.phase);
    return QStringLiteral("%1 — %2\n%3")
        .arg(r.result.host, ResultText::statusName(status, m_model->isCheck()),
             parts.isEmpty() ? tr("no times recorded") : parts.join(QStringLiteral(", ")));
}

void RunTimeline::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    const Layout l = layout();
    const QPalette& pal = palette();
    const bool dark = pal.color(QPalette::Base).lightness() < 128;
    const QFontMetrics metrics = fontMetrics();
    if (!m_model || m_model->rowCount() == 0) {
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter, tr("The hosts of the run appear here."));
        return;
    }
    // Axis: round steps about 80 px apart, with a faint line down through the rows.
    const int rows = m_model->rowCount();
    const int bottom = l.top + rows * l.rowHeight;
    const qint64 step =
        niceStep(std::max<qint64>(1, l.spanMs * 80 / std::max(1, l.right - l.left)));
    QColor grid = pal.color(QPalette::Text);
    grid.setAlpha(40);
    for (qint64 t = 0; t <= l.spanMs; t += step) {
        const int x = xOf(l, t);
        painter.setPen(grid);
        painter.drawLine(x, l.top - 2, x, bottom);
        painter.setPen(pal.color(QPalette::Text));
        const QString label = axisLabel(t, step);
        painter.drawText(x - metrics.horizontalAdvance(label) / 2, kMargin + metrics.ascent(),
                         label);
    }
    const QColor queued = pal.color(QPalette::Mid);
    const QColor connecting = dark ? QColor(0x5a, 0x9b, 0xd8) : QColor(0x3b, 0x78, 0xc2);
    for (int row = 0; row < rows; ++row) {
        const RunResultsModel::Row& r = m_model->row(row);
        const int y = l.top + row * l.rowHeight;
        painter.setPen(pal.color(QPalette::Text));
        painter.drawText(
            QRect(kMargin, y, l.labelWidth - 2 * kMargin, l.rowHeight),
            Qt::AlignVCenter | Qt::AlignLeft,
            metrics.elidedText(r.result.host, Qt::ElideMiddle, l.labelWidth - 2 * kMargin));
        const ResultText::Status status =
            r.done ? ResultText::status(r.result) : ResultText::status(r.phase);
        QColor runColour = ResultText::statusColor(status, dark);
        if (!runColour.isValid())
            runColour = pal.color(QPalette::Dark);
        const qint64 now = m_model->spanMs();
        const qint64 end = r.endAtMs >= 0 ? r.endAtMs : (r.startedAtMs >= 0 ? now : -1);
        const qint64 began = r.connectAtMs >= 0 ? r.connectAtMs : r.runAtMs;
        const int barTop = y + 3;
        const int barHeight = l.rowHeight - 6;
        auto segment = [&](qint64 from, qint64 to, const QColor& colour) {
            if (from < 0 || to < from)
                return;
            const int x1 = xOf(l, from);
            const int x2 = std::max(x1 + 2, xOf(l, to));
            painter.fillRect(QRect(x1, barTop, x2 - x1, barHeight), colour);
        };
        if (began > 0)
            segment(0, began, queued);
        if (r.connectAtMs >= 0)
            segment(r.connectAtMs, r.runAtMs >= 0 ? r.runAtMs : end, connecting);
        if (r.runAtMs >= 0)
            segment(r.runAtMs, end, runColour);
        else if (r.connectAtMs < 0 && end >= 0 && r.done) // no phases: the record only
            segment(0, end, runColour);
    }
    // Legend under the rows.
    int x = l.left;
    const int y = bottom + kMargin;
    const std::pair<QColor, QString> legend[] = {
        {queued, tr("waiting for a slot")},
        {connecting, tr("connect + agent start")},
        {ResultText::statusColor(ResultText::Status::Ok, dark), tr("run (status colour)")}};
    for (const auto& [colour, text] : legend) {
        painter.fillRect(QRect(x, y + 2, metrics.height() - 4, metrics.height() - 4), colour);
        x += metrics.height();
        painter.setPen(pal.color(QPalette::Text));
        painter.drawText(x, y + metrics.ascent(), text);
        x += metrics.horizontalAdvance(text) + 2 * kMargin;
    }
}

void RunTimeline::mousePressEvent(QMouseEvent* event)
{
    const int row = rowAt(event->position().toPoint());
    if (row >= 0 && event->button() == Qt::LeftButton)
        emit hostClicked(m_model->row(row).result.host);
    QWidget::mousePressEvent(event);
}

bool RunTimeline::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int row = rowAt(help->pos());
        if (row >= 0)
            QToolTip::showText(help->globalPos(), describe(row), this);
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}

} // namespace hostdeck::ui
