#pragma once

#include "engine/agent/ToolCatalog.h"
#include "engine/util/Result.h"

#include <QJsonValue>
#include <QWidget>

namespace hostdeck::ui {

/// The editor of one tool parameter, chosen by its type: text, multi-line text, number, yes/no,
/// choice, list, key/value table, path, secret, bytes, JSON. Shows the default, the doc as tooltip,
/// and validates what was typed.
class ParameterEditor : public QWidget
{
    Q_OBJECT
public:
    static ParameterEditor* create(const engine::ParamInfo& param, QWidget* parent = nullptr);

    const engine::ParamInfo& param() const { return m_param; }
    /// Nothing entered: the parameter is left out (the tool's default applies) or, when it is
    /// required, the form reports it missing.
    virtual bool isEmpty() const = 0;
    /// What to send, or a user-facing message naming what is wrong.
    virtual engine::Result<QJsonValue> value() const = 0;
    virtual void setValue(const QJsonValue& value) = 0;
    /// The widget that takes focus (the form's label buddy).
    virtual QWidget* inputWidget() { return this; }

signals:
    void edited();

protected:
    ParameterEditor(const engine::ParamInfo& param, QWidget* parent);
    engine::Error invalid(const QString& problem) const;

private:
    engine::ParamInfo m_param;
};

} // namespace hostdeck::ui
