#pragma once

#include "engine/agent/AgentSession.h"

#include <QWidget>

class QTableView;

namespace hostdeck::ui {

class LogFilterModel;
class LogModel;

/// The agents' forwarded log records, filterable by host and minimum level.
class LogPane : public QWidget
{
    Q_OBJECT
public:
    explicit LogPane(QWidget* parent = nullptr);

    void append(const QString& host, const engine::LogRecord& record);
    LogModel* model() const { return m_model; }
    LogFilterModel* filter() const { return m_filter; }
    QTableView* table() const { return m_table; }

private:
    LogModel* m_model;
    LogFilterModel* m_filter;
    QTableView* m_table;
};

} // namespace hostdeck::ui
