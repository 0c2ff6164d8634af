#pragma once

#include "agent/ToolCatalog.h"
#include "util/Result.h"

#include <QJsonObject>
#include <QWidget>

class QFormLayout;
class QLabel;

namespace hostdeck::ui {

class ParameterEditor;

/// The form of one tool method, generated from its description: one editor per parameter, the
/// required ones marked, the docs as tooltips. args() validates everything before a run.
class ParameterForm : public QWidget
{
    Q_OBJECT
public:
    explicit ParameterForm(QWidget* parent = nullptr);

    void setMethod(const engine::MethodInfo& method);
    void clear();
    const engine::MethodInfo& method() const { return m_method; }
    bool hasMethod() const { return !m_method.name.isEmpty(); }
    /// The arguments to send (empty optional fields left out), or every problem found.
    engine::Result<QJsonObject> args() const;
    /// Fills the editors from stored arguments (a re-run); redacted secrets stay empty.
    void setArgs(const QJsonObject& args);
    ParameterEditor* editor(const QString& name) const;
    QList<ParameterEditor*> editors() const { return m_editors; }

signals:
    void edited();

private:
    QString tooltipFor(const engine::ParamInfo& param) const;

    engine::MethodInfo m_method;
    QFormLayout* m_layout;
    QLabel* m_doc;
    QList<ParameterEditor*> m_editors;
};

} // namespace hostdeck::ui
