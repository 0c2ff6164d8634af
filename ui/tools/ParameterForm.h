#pragma once

#include "engine/agent/ToolCatalog.h"
#include "engine/util/Result.h"

#include <QHash>
#include <QJsonObject>
#include <QWidget>

class QFormLayout;
class QLabel;

namespace hostdeck::ui {

class ParameterEditor;

/// The form of one tool method, generated from its description: one editor per parameter, the
/// required ones marked, each with its help under it (from the method's doc: the sentences that
/// name it, its choices, its default). args() validates everything before a run. What was typed
/// for a method is kept while other methods are shown, and comes back with it (secrets never).
class ParameterForm : public QWidget
{
    Q_OBJECT
public:
    explicit ParameterForm(QWidget* parent = nullptr);

    /// Shows `method`'s form, with what was typed for it before unless `restore` is false.
    void setMethod(const engine::MethodInfo& method, bool restore = true);
    /// No method (the values typed so far are kept for when it comes back).
    void clear();
    /// Sets every editor back to its default (empty when there is none).
    void resetToDefaults();
    const engine::MethodInfo& method() const { return m_method; }
    bool hasMethod() const { return !m_method.name.isEmpty(); }
    /// The arguments to send (empty optional fields left out), or every problem found.
    engine::Result<QJsonObject> args() const;
    /// Fills the editors from stored arguments (a re-run); redacted secrets stay empty.
    void setArgs(const QJsonObject& args);
    ParameterEditor* editor(const QString& name) const;
    QList<ParameterEditor*> editors() const { return m_editors; }
    /// The help shown under a parameter's editor (null when it has none).
    QLabel* helpLabel(const QString& name) const;

signals:
    void edited();

private:
    QString tooltipFor(const engine::ParamInfo& param) const;
    /// The valid, non-secret values typed for the current method.
    QJsonObject typedValues() const;

    engine::MethodInfo m_method;
    QFormLayout* m_layout;
    QLabel* m_doc;
    QList<ParameterEditor*> m_editors;
    QHash<QString, QLabel*> m_help;
    QHash<QString, QJsonObject> m_remembered; ///< by method full name
};

} // namespace hostdeck::ui
